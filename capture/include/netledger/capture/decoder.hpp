// Decoder: turns a captured frame into a DecodedPacket. One protocol per file in
// src/decode/, wired together by link type, EtherType, IP protocol and UDP port.
#pragma once

#include <cstdint>
#include <memory>

#include "netledger/capture/anomalies.hpp"
#include "netledger/capture/decoded_packet.hpp"

namespace netledger::capture {

// Link types (LINKTYPE_* values from the pcap spec).
namespace link {
inline constexpr int kNull = 0;
inline constexpr int kEthernet = 1;
inline constexpr int kPpp = 9;
inline constexpr int kRawOpenBsd = 12;
inline constexpr int kRawBsdOs = 14;
inline constexpr int kPppSerial = 50;
inline constexpr int kPppEther = 51;
inline constexpr int kRaw = 101;
inline constexpr int kLoop = 108;
inline constexpr int kLinuxSll = 113;
inline constexpr int kIpv4 = 228;
inline constexpr int kIpv6 = 229;
inline constexpr int kNflog = 239;
inline constexpr int kLinuxSll2 = 276;
}  // namespace link

[[nodiscard]] bool link_type_supported(int link_type) noexcept;

enum class Verdict : uint8_t {
  kIp,      // at least one IP layer decoded
  kNonIp,   // a well-formed frame that carries no IP (ARP, STP, LLDP...)
  kBroken,  // malformed before any IP layer; an anomaly counter says why
};

namespace decode {
class Reassembler;
}

class Decoder {
 public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // `frame` holds `caplen` captured bytes seen at `ts_us`. `out` is overwritten and
  // stays valid until the next call. Never throws and never reads past `caplen`.
  Verdict decode(int link_type, const uint8_t* frame, uint32_t caplen, int64_t ts_us,
                 DecodedPacket& out) noexcept;

  [[nodiscard]] const AnomalyCounters& anomalies() const noexcept { return anomalies_; }
  AnomalyCounters& anomalies() noexcept { return anomalies_; }

 private:
  AnomalyCounters anomalies_;
  std::unique_ptr<decode::Reassembler> reassembler_;
};

}  // namespace netledger::capture
