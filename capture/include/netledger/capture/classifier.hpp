// Classifier: the application protocol of each flow, as nDPI names it. nDPI sees the
// first packets of a flow only (as nDPI's own reader does: up to 80 for TCP, 24 for
// UDP, or until it has its answer and wants nothing more); its per-flow state lives in
// a numbered slot (numbered by the caller, see Inspector) that is wiped the moment the
// answer is known and reused, so memory follows the number of flows still being
// classified. With inspection off, a flow gets nDPI's guess from its ports alone,
// marked as a guess. One thread classifies; labels may be taken from another.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "netledger/core/flow_key.hpp"
#include "netledger/core/records.hpp"

namespace netledger::capture {

inline constexpr uint32_t kNoSlot = UINT32_MAX;

// A server name the classifier read from a flow (TLS/QUIC SNI, HTTP Host).
struct ServerName {
  NameSource source = NameSource::kTlsSni;
  std::string name;
};

class Classifier {
 public:
  struct Options {
    bool dpi = true;
    uint32_t max_tcp_packets = 80;
    uint32_t max_udp_packets = 24;
    uint32_t max_other_packets = 24;
  };
  explicit Classifier(Options options);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // One packet of the flow in `slot` (a fresh slot starts a flow): `l3` holds its IP
  // datagram as captured, and `flow_packets` counts the flow's packets including this
  // one. True when the answer is final: `out` (and `name`, when the flow carried one)
  // are set and the slot is wiped for the next flow.
  bool feed(uint32_t slot, const uint8_t* l3, uint32_t l3_len, int64_t ts_us, uint8_t ip_proto,
            uint64_t flow_packets, AppInfo& out, ServerName& name);
  // The flow ended before an answer (or was never inspected: kNoSlot): nDPI's best
  // guess. Wipes `slot` when it is one.
  void conclude(uint32_t slot, const FlowKey& key, bool client_is_lo, AppInfo& out, ServerName& name);

  // Labels first used since the last call, appended to `out`.
  void take_new_labels(std::vector<std::pair<LabelId, std::string>>& out);
  [[nodiscard]] bool inspecting() const noexcept { return opt_.dpi; }

 private:
  struct Impl;
  Options opt_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netledger::capture
