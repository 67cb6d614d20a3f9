// The Classifier of the fuzz builds: nDPI's start-up (its address lists) costs some
// 70 ms, which would hold libFuzzer to a dozen inputs a second, and nDPI is fuzzed by its
// own project. This one answers "Unknown" once a flow has had one to four packets (the
// first byte of its IP header decides), so the accountant's waits for answers, its
// answers at a bucket's close and its guesses at a flow's end are all exercised.
#include <mutex>

#include "netledger/capture/classifier.hpp"

namespace netledger::capture {

struct Classifier::Impl {
  std::mutex mu;
  bool announced = false;
};

Classifier::Classifier(Options options) : opt_(options), impl_(std::make_unique<Impl>()) {}

Classifier::~Classifier() = default;

bool Classifier::feed(uint32_t, const uint8_t* l3, uint32_t l3_len, int64_t, uint8_t, uint64_t flow_packets,
                      AppInfo& out, ServerName&) {
  const uint64_t wanted = 1 + (l3_len > 0 ? l3[0] % 4 : 0);
  if (flow_packets < wanted) return false;
  out = AppInfo{};
  return true;
}

void Classifier::conclude(uint32_t, const FlowKey&, bool, AppInfo& out, ServerName&) {
  out = AppInfo{};
  out.guessed = true;
}

void Classifier::take_new_labels(std::vector<std::pair<LabelId, std::string>>& out) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->announced) out.emplace_back(kUnknownLabel, "Unknown");
  impl_->announced = true;
}

}  // namespace netledger::capture
