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
};

struct DecodedPacket {
  std::array<IpLayer, kMaxIpLayers> ip;
  int n_ip = 0;
  uint16_t vlan = 0;                 // innermost 802.1Q/802.1ad id of the outermost Ethernet
  uint16_t outer_vlan = 0;           // outermost id when tags are stacked
  const uint8_t* payload = nullptr;  // innermost transport payload (captured bytes only)
  uint32_t payload_len = 0;

  void reset() noexcept {
    n_ip = 0;
    vlan = 0;
    outer_vlan = 0;
    payload = nullptr;
    payload_len = 0;
  }
};

}  // namespace netledger::capture
