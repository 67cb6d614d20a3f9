// FlowKey: a direction-independent 5-tuple plus VLAN ids. The lower endpoint
// (address, then port) is stored first, so both directions of a conversation map to
// the same key. 48 bytes, no padding holes, so it can be hashed and compared as bytes.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "netledger/core/ip_addr.hpp"

namespace netledger {

struct FlowKey {
  std::array<uint8_t, 16> lo{};
  std::array<uint8_t, 16> hi{};
  uint16_t lo_port = 0;
  uint16_t hi_port = 0;
  uint16_t vlan = 0;
  uint16_t outer_vlan = 0;
  uint8_t ip_proto = 0;
  uint8_t family = 0;
  std::array<uint8_t, 6> pad{};

  // Builds the key of a packet from `src` to `dst`; `src_is_lo` tells which side the
  // sender is on.
  static FlowKey make(const IpAddr& src, uint16_t src_port, const IpAddr& dst, uint16_t dst_port,
                      uint8_t ip_proto, uint16_t vlan, uint16_t outer_vlan, bool& src_is_lo) noexcept {
    FlowKey k;
    int c = std::memcmp(src.bytes().data(), dst.bytes().data(), 16);
    src_is_lo = c < 0 || (c == 0 && src_port <= dst_port);
    const IpAddr& lo = src_is_lo ? src : dst;
    const IpAddr& hi = src_is_lo ? dst : src;
    k.lo = lo.bytes();
    k.hi = hi.bytes();
    k.lo_port = src_is_lo ? src_port : dst_port;
    k.hi_port = src_is_lo ? dst_port : src_port;
    k.vlan = vlan;
    k.outer_vlan = outer_vlan;
    k.ip_proto = ip_proto;
    k.family = src.family();
    return k;
  }

  [[nodiscard]] IpAddr lo_addr() const noexcept {
    return family == 4 ? IpAddr::v4(lo.data()) : IpAddr::v6(lo.data());
  }
  [[nodiscard]] IpAddr hi_addr() const noexcept {
    return family == 4 ? IpAddr::v4(hi.data()) : IpAddr::v6(hi.data());
  }

  [[nodiscard]] uint64_t hash() const noexcept {
    uint64_t w[6];
    std::memcpy(w, this, sizeof w);
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (uint64_t x : w) {
      h ^= x;
      h *= 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 29;
    }
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
  }

  friend bool operator==(const FlowKey& a, const FlowKey& b) noexcept {
    // Six word compares the compiler keeps inline; memcmp here was a library call per probe.
    uint64_t x[6];
    uint64_t y[6];
    std::memcpy(x, &a, sizeof x);
    std::memcpy(y, &b, sizeof y);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) | (x[5] ^ y[5])) ==
           0;
  }
};

static_assert(sizeof(FlowKey) == 48, "FlowKey must have no padding");

}  // namespace netledger
