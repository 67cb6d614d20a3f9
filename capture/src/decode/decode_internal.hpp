// Shared by the decoders in this folder: a bounds-checked view of the bytes left,
// and the dispatch functions each layer hands its payload to.
#pragma once

#include <cstdint>
#include <cstring>

#include "netledger/capture/anomalies.hpp"
#include "netledger/capture/decoded_packet.hpp"
#include "reassembly.hpp"

namespace netledger::capture::decode {

struct Bytes {
  const uint8_t* p = nullptr;
  uint32_t n = 0;

  [[nodiscard]] bool has(uint32_t k) const noexcept { return n >= k; }
  [[nodiscard]] Bytes skip(uint32_t k) const noexcept {
    return k >= n ? Bytes{p + n, 0} : Bytes{p + k, n - k};
  }
  [[nodiscard]] Bytes first(uint32_t k) const noexcept { return k >= n ? *this : Bytes{p, k}; }
  [[nodiscard]] uint8_t u8(uint32_t at) const noexcept { return p[at]; }
  [[nodiscard]] uint16_t be16(uint32_t at) const noexcept {
    return static_cast<uint16_t>((p[at] << 8) | p[at + 1]);
  }
  [[nodiscard]] uint32_t be32(uint32_t at) const noexcept {
    return (uint32_t{p[at]} << 24) | (uint32_t{p[at + 1]} << 16) | (uint32_t{p[at + 2]} << 8) | p[at + 3];
  }
  [[nodiscard]] uint16_t le16(uint32_t at) const noexcept {
    return static_cast<uint16_t>(p[at] | (p[at + 1] << 8));
  }
};

// Decoding state of one frame.
struct Ctx {
  DecodedPacket& pkt;
  AnomalyCounters& anomalies;
  Reassembler& reassembler;
  int64_t ts_us = 0;
  int depth = 0;  // nesting guard against crafted loops of tunnels
  int ethernet_seen = 0;
  bool in_reassembled = false;  // decoding from a reassembly buffer: no nested reassembly

  void bump(Anomaly a) noexcept { anomalies.bump(a); }
};

inline constexpr int kMaxDepth = 24;

// EtherType values (IEEE registry).
namespace ethertype {
inline constexpr uint16_t kIpv4 = 0x0800;
inline constexpr uint16_t kIpv6 = 0x86DD;
inline constexpr uint16_t kVlan = 0x8100;
inline constexpr uint16_t kQinQ = 0x88A8;
inline constexpr uint16_t kQinQOld = 0x9100;
inline constexpr uint16_t kQinQOld2 = 0x9200;
inline constexpr uint16_t kMplsUnicast = 0x8847;
inline constexpr uint16_t kMplsMulticast = 0x8848;
inline constexpr uint16_t kPppoeSession = 0x8864;
inline constexpr uint16_t kTransparentEthernet = 0x6558;
inline constexpr uint16_t kPpp = 0x880B;
inline constexpr uint16_t kArp = 0x0806;
}  // namespace ethertype

// Each returns nothing: the outcome is in ctx.pkt and the anomaly counters.
void ethernet(Ctx& ctx, Bytes b);
void by_ethertype(Ctx& ctx, uint16_t type, Bytes b);
void vlan(Ctx& ctx, Bytes b);
void mpls(Ctx& ctx, Bytes b);
void pppoe_session(Ctx& ctx, Bytes b);
void ppp(Ctx& ctx, Bytes b);  // PPP with optional address/control bytes (RFC 1662)
void linux_sll(Ctx& ctx, Bytes b);
void linux_sll2(Ctx& ctx, Bytes b);
void null_loop(Ctx& ctx, Bytes b, bool network_order);
void nflog(Ctx& ctx, Bytes b);
void arp(Ctx& ctx, Bytes b);
void raw_ip(Ctx& ctx, Bytes b);  // picks v4/v6 by the version nibble
void ipv4(Ctx& ctx, Bytes b);
void ipv6(Ctx& ctx, Bytes b);
// Hands the payload of IP layer `layer` to the decoder of `proto`.
void by_ip_proto(Ctx& ctx, uint8_t proto, Bytes b, int layer);
void tcp(Ctx& ctx, Bytes b, int layer);
void udp(Ctx& ctx, Bytes b, int layer);
void sctp(Ctx& ctx, Bytes b, int layer);
void icmp(Ctx& ctx, Bytes b, int layer);
void gre(Ctx& ctx, Bytes b);
// UDP payloads that carry other frames: VXLAN, GTP-U, Teredo. True when taken.
bool udp_tunnel(Ctx& ctx, uint16_t src_port, uint16_t dst_port, Bytes b);

// A fragment of IP layer `layer`: reassembles it and, when this frame completes the
// datagram, decodes the transport inside it.
void fragment(Ctx& ctx, int layer, uint32_t id, uint32_t offset, bool more, Bytes data);

// Sets the innermost payload the classifier will see.
inline void set_payload(Ctx& ctx, Bytes b) noexcept {
  ctx.pkt.payload = b.p;
  ctx.pkt.payload_len = b.n;
}

}  // namespace netledger::capture::decode
