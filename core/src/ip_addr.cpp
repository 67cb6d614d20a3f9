#include "netledger/core/ip_addr.hpp"

#include <arpa/inet.h>

namespace netledger {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  uint8_t bytes[16];
  if (inet_pton(AF_INET, buf, bytes) == 1) return v4(bytes);
  if (inet_pton(AF_INET6, buf, bytes) == 1) return v6(bytes);
  return std::nullopt;
}

namespace {

// Dotted quad by hand: inet_ntop goes through printf, and flows store two addresses per row.
size_t format_v4(const uint8_t* b, char* out) noexcept {
  char* p = out;
  for (int i = 0; i < 4; ++i) {
    unsigned v = b[i];
    if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
    if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
    *p++ = static_cast<char>('0' + v % 10);
    if (i < 3) *p++ = '.';
  }
  return static_cast<size_t>(p - out);
}

// RFC 5952 text exactly as glibc's inet_ntop writes it: lowercase hex groups without
// leading zeros, the longest run of two or more zero groups (the first of equal ones) as
// "::", and the last 32 bits as a dotted quad in IPv4-mapped (::ffff:a.b.c.d) and
// IPv4-compatible (::a.b.c.d) addresses.
size_t format_v6(const uint8_t* b, char* out) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned w[8];
  for (size_t i = 0; i < 8; ++i) w[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
  int best = -1;
  int best_len = 0;
  int cur = -1;
  int cur_len = 0;
  for (int i = 0; i <= 8; ++i) {
    if (i < 8 && w[i] == 0) {
      if (cur < 0) cur = i;
      ++cur_len;
    } else if (cur >= 0) {
      if (cur_len > best_len) {
        best = cur;
        best_len = cur_len;
      }
      cur = -1;
      cur_len = 0;
    }
  }
  if (best_len < 2) best = -1;
  char* p = out;
  for (int i = 0; i < 8; ++i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best) *p++ = ':';
      continue;
    }
    if (i != 0) *p++ = ':';
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xFFFF))) {
      return static_cast<size_t>(p - out) + format_v4(b + 12, p);
    }
    bool lead = true;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (w[i] >> shift) & 0xF;
      if (lead && digit == 0 && shift != 0) continue;
      lead = false;
      *p++ = kHex[digit];
    }
  }
  if (best >= 0 && best + best_len == 8) *p++ = ':';
  return static_cast<size_t>(p - out);
}

}  // namespace

size_t IpAddr::format(char* out) const noexcept {
  static_assert(kTextSize >= INET6_ADDRSTRLEN);
  if (family_ == 4) return format_v4(bytes_.data(), out);
  if (family_ == 6) return format_v6(bytes_.data(), out);
  return 0;
}

std::string IpAddr::to_string() const {
  char buf[kTextSize];
  return {buf, format(buf)};
}

}  // namespace netledger
