// Builds frames byte by byte for decoder and accounting tests: each helper appends one
// header, outermost first, and finish() fixes the IP and UDP length fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "netledger/core/ip_addr.hpp"

namespace netledger::test {

class Frame {
 public:
  Frame& ethernet(uint16_t ethertype) {
    bytes({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    return be16(ethertype);
  }
  Frame& vlan(uint16_t id, uint16_t next) { return be16(id).be16(next); }
  Frame& ipv4(const std::string& src, const std::string& dst, uint8_t proto, uint16_t frag = 0,
              uint16_t id = 1) {
    ip_starts_.push_back(data_.size());
    bytes({0x45, 0, 0, 0});  // total length patched by finish()
    be16(id).be16(frag);
    bytes({64, proto, 0, 0});
    addr(src);
    return addr(dst);
  }
  Frame& ipv6(const std::string& src, const std::string& dst, uint8_t next) {
    ip_starts_.push_back(data_.size());
    bytes({0x60, 0, 0, 0, 0, 0, next, 64});
    addr(src);
    return addr(dst);
  }
  Frame& tcp(uint16_t sport, uint16_t dport, uint8_t flags) {
    be16(sport).be16(dport);
    bytes({0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0});
    return *this;
  }
  Frame& udp(uint16_t sport, uint16_t dport) {
    udp_starts_.push_back(data_.size());
    return be16(sport).be16(dport).be16(0).be16(0);
  }
  Frame& icmp(uint8_t type, uint8_t code) { return bytes({type, code, 0, 0, 0, 0, 0, 0}); }
  Frame& payload(size_t n, uint8_t fill = 0xAB) {
    data_.insert(data_.end(), n, fill);
    return *this;
  }
  Frame& bytes(std::initializer_list<uint8_t> b) {
    data_.insert(data_.end(), b);
    return *this;
  }
  Frame& bytes(const uint8_t* b, size_t n) {
    data_.insert(data_.end(), b, b + n);
    return *this;
  }
  Frame& be16(uint16_t v) { return bytes({static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}); }

  // Sets every IPv4 total length / IPv6 payload length and UDP length to what follows.
  std::vector<uint8_t> finish() {
    std::vector<uint8_t> out = data_;
    for (size_t start : ip_starts_) {
      size_t rest = out.size() - start;
      if ((out[start] >> 4) == 4)
        put16(out, start + 2, rest);
      else
        put16(out, start + 4, rest - 40);
    }
    for (size_t start : udp_starts_) put16(out, start + 4, out.size() - start);
    return out;
  }

 private:
  Frame& addr(const std::string& text) {
    IpAddr a = *IpAddr::parse(text);
    size_t n = a.is_v4() ? 4 : 16;
    data_.insert(data_.end(), a.bytes().begin(), a.bytes().begin() + static_cast<long>(n));
    return *this;
  }
  static void put16(std::vector<uint8_t>& v, size_t at, size_t value) {
    v[at] = static_cast<uint8_t>(value >> 8);
    v[at + 1] = static_cast<uint8_t>(value);
  }
  std::vector<uint8_t> data_;
  std::vector<size_t> ip_starts_;
  std::vector<size_t> udp_starts_;
};

}  // namespace netledger::test
