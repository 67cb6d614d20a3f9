// A TrafficSink that keeps everything in memory, for tests.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "netledger/core/sink.hpp"

namespace netledger::test {

class MemorySink final : public TrafficSink {
 public:
  Result<int64_t> begin_run(const CaptureStats& /*stats*/) override { return ++runs; }
  Status consume(TrafficBatch&& batch) override {
    if (fail) return make_error(ErrorCode::kIo, "disk full");
    batches.push_back(std::move(batch));
    return {};
  }
  Status end_run(int64_t /*run_id*/, const CaptureStats& stats) override {
    last_stats = stats;
    return {};
  }

  // Host totals over every batch: address -> HostBucket summed over buckets and protocols.
  [[nodiscard]] std::map<std::string, HostBucket> hosts() const {
    std::map<std::string, HostBucket> out;
    for (const auto& b : batches) {
      for (const auto& h : b.hosts) {
        HostBucket& t = out[h.host.to_string()];
        t.packets_sent += h.packets_sent;
        t.bytes_sent += h.bytes_sent;
        t.packets_received += h.packets_received;
        t.bytes_received += h.bytes_received;
        t.flows += h.flows;
      }
    }
    return out;
  }
  [[nodiscard]] std::vector<FlowRecord> flows() const {
    std::vector<FlowRecord> out;
    for (const auto& b : batches) out.insert(out.end(), b.flows.begin(), b.flows.end());
    return out;
  }
  [[nodiscard]] std::vector<int64_t> host_buckets() const {
    std::vector<int64_t> out;
    for (const auto& b : batches) {
      for (const auto& h : b.hosts) out.push_back(h.bucket_s);
    }
    return out;
  }

  std::vector<TrafficBatch> batches;
  CaptureStats last_stats;
  int64_t runs = 0;
  bool fail = false;
};

}  // namespace netledger::test
