// What the decoders make of one frame: every IP layer it carries (tunnel endpoints
// first, the innermost last), each with its transport, and the innermost payload.
#pragma once

#include <array>
#include <cstdint>

#include "netledger/core/ip_addr.hpp"

namespace netledger::capture {

inline constexpr int kMaxIpLayers = 6;

struct IpLayer {
  IpAddr src;
  IpAddr dst;
  uint8_t ip_proto = 0;   // the transport (or tunnel) this IP header carries
  uint8_t tcp_flags = 0;  // RFC 9293 flag bits when ip_proto is TCP
  bool has_ports = false;
  bool fragment = false;  // part of a fragmented datagram whose transport is not in this frame
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  // This IP datagram as captured, from its header on (what a classifier reads); null
  // when the transport came from a reassembly buffer.
  const uint8_t* l3 = nullptr;
  uint32_t l3_len = 0;
};

// A neighbour announcing its own link-layer address: ARP sender, IPv6 neighbour
// discovery. Only these tie a MAC to an IP address on the local segment.
struct Neighbor {
  IpAddr ip;
  std::array<uint8_t, 6> mac{};
};

struct DecodedPacket {
  std::array<IpLayer, kMaxIpLayers> ip;
  int n_ip = 0;
  uint16_t vlan = 0;                 // innermost 802.1Q/802.1ad id of the outermost Ethernet
  uint16_t outer_vlan = 0;           // outermost id when tags are stacked
  const uint8_t* payload = nullptr;  // innermost transport payload (captured bytes only)
  uint32_t payload_len = 0;
  bool has_neighbor = false;
  Neighbor neighbor;

  void reset() noexcept {
    n_ip = 0;
    vlan = 0;
    outer_vlan = 0;
    payload = nullptr;
    payload_len = 0;
    has_neighbor = false;
  }
};

}  // namespace netledger::capture
