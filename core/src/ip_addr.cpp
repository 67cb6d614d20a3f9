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

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family_ == 4) {
    // Dotted quad by hand: inet_ntop goes through printf, and flows store two per row.
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      unsigned v = bytes_[static_cast<size_t>(i)];
      if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
      if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
      *p++ = static_cast<char>('0' + v % 10);
      if (i < 3) *p++ = '.';
    }
    return std::string(buf, static_cast<size_t>(p - buf));
  } else if (family_ == 6) {
    inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
  }
  return buf;
}

}  // namespace netledger
