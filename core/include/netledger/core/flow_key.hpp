// FlowKey: a direction-independent 5-tuple plus VLAN ids. The lower endpoint
// (address, then port) is stored first, so both directions of a conversation map to
// the same key. 48 bytes, no padding holes, so it can be hashed and compared as bytes.
#pragma once

#include <array>
#include <bit>
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
    int c = order(src.bytes().data(), dst.bytes().data());
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

  // Three independent 64x64->128 multiplies of word pairs (as wyhash and XXH3 mix), so
  // the hash is a few multiplies deep rather than a chain of six.
  [[nodiscard]] uint64_t hash() const noexcept {
    uint64_t w[4];
    std::memcpy(w, lo.data(), 16);
    std::memcpy(w + 2, hi.data(), 16);
    // The small fields by value: a word load over the bytes just stored field by field
    // stalls on store forwarding.
    uint64_t ports =
        uint64_t{lo_port} | uint64_t{hi_port} << 16 | uint64_t{vlan} << 32 | uint64_t{outer_vlan} << 48;
    uint64_t kind = uint64_t{ip_proto} | uint64_t{family} << 8;
    uint64_t a = fold(w[0] ^ 0x9E3779B97F4A7C15ULL, w[1] ^ 0xBF58476D1CE4E5B9ULL);
    uint64_t b = fold(w[2] ^ 0x94D049BB133111EBULL, w[3] ^ 0xD6E8FEB86659FD93ULL);
    uint64_t c = fold(ports ^ 0xA0761D6478BD642FULL, kind ^ 0xE7037ED1A0B428DBULL);
    return fold(a ^ c, b ^ 0x8EBC6AF09C88C6E3ULL);
  }

  // Multiplies to 128 bits and folds the halves together.
  static uint64_t fold(uint64_t x, uint64_t y) noexcept {
    __extension__ using Wide = unsigned __int128;  // GCC and Clang on 64-bit targets
    Wide m = static_cast<Wide>(x) * y;
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  }

  // memcmp's order of two 16-byte addresses, in two word compares kept inline.
  static int order(const uint8_t* a, const uint8_t* b) noexcept {
    uint64_t x[2];
    uint64_t y[2];
    std::memcpy(x, a, sizeof x);
    std::memcpy(y, b, sizeof y);
    for (int i = 0; i < 2; ++i) {
      uint64_t p = x[i];
      uint64_t q = y[i];
      if constexpr (std::endian::native == std::endian::little) {
        p = __builtin_bswap64(p);
        q = __builtin_bswap64(q);
      }
      if (p != q) return p < q ? -1 : 1;
    }
    return 0;
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
