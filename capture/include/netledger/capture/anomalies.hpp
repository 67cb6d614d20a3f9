// Named counters for what the decoders could not make sense of. A malformed packet
// is never an exception: it bumps one of these and decoding stops at that layer.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace netledger::capture {

enum class Anomaly : uint8_t {
  kTruncatedLink,  // shorter than its link-layer header
  kTruncatedVlan,
  kTruncatedMpls,
  kTruncatedPppoe,
  kTruncatedPpp,
  kTruncatedIpv4,
  kTruncatedIpv6,
  kTruncatedIpv6Ext,
  kTruncatedTcp,
  kTruncatedUdp,
  kTruncatedSctp,
  kTruncatedIcmp,
  kTruncatedGre,
  kTruncatedTunnel,  // VXLAN, GTP-U, Teredo header cut short
  kTruncatedArp,
  kBadIpVersion,
  kBadIpv4HeaderLen,
  kBadIpLength,  // IP total/payload length disagrees with the frame
  kBadTcpHeaderLen,
  kUnknownLinkType,
  kUnknownAddressFamily,  // DLT_NULL/LOOP or NFLOG family we do not know
  kTooManyLayers,
  kFragmentsDropped,  // fragmented datagrams never completed (timed out, crowded out, malformed)
  kSnaplenCut,        // frame captured shorter than it was on the wire (informational)
  kTimeOutlier,       // stamped far from the packets around it: counted at the clock's time
  kClockStepBack,     // the capturing clock was set back: flows ended, the clock restarted
  kTimeOutOfRange,    // stamped outside the years 1 to 9999: held to the nearer end
  kCount,
};

const char* anomaly_name(Anomaly a) noexcept;

class AnomalyCounters {
 public:
  void bump(Anomaly a) noexcept { ++n_[static_cast<size_t>(a)]; }
  [[nodiscard]] uint64_t get(Anomaly a) const noexcept { return n_[static_cast<size_t>(a)]; }
  void add(const AnomalyCounters& other) noexcept {
    for (size_t i = 0; i < n_.size(); ++i) n_[i] += other.n_[i];
  }
  // Non-zero counters with their names, in declaration order.
  [[nodiscard]] std::vector<std::pair<std::string, uint64_t>> nonzero() const;

 private:
  std::array<uint64_t, static_cast<size_t>(Anomaly::kCount)> n_{};
};

}  // namespace netledger::capture
