// Names learned passively from the traffic: DNS answers (the address each A/AAAA record
// gives, named by the question asked) and DHCP (a client's host name with the address
// it was given, and its hardware address). Each parser reads only the bytes it is
// given and ignores anything malformed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "netledger/core/records.hpp"

namespace netledger::capture::names {

// What one message taught: the one name it gives, the addresses that name is for, and
// a hardware address. Reused message after message, so reading allocates nothing.
struct Found {
  static constexpr size_t kMaxAddresses = 64;
  Found() { named.reserve(kMaxAddresses); }
  [[nodiscard]] std::string_view name() const { return {text.data(), length}; }
  [[nodiscard]] bool empty() const { return named.empty() && !mac; }
  void clear() {
    length = 0;
    named.clear();
    mac.reset();
  }

  std::array<char, 256> text{};  // the name, lower-cased for DNS
  size_t length = 0;
  NameSource source = NameSource::kDns;
  std::vector<IpAddr> named;  // in the message's order
  std::optional<HostMac> mac;
};

// Whether `c` may be part of a host name learned from the traffic: printable, no space.
// DNS labels are held to it, and so are the HTTP and TLS names nDPI hands back (it keeps
// their bytes as they came).
constexpr bool name_char(char c) {
  return c > 0x20 && c < 0x7F;
}

// A DNS message over UDP (or over TCP with `tcp` set: a 2-byte length comes first): the
// question's name, for each address an A or AAAA answer gives.
void from_dns(const uint8_t* p, uint32_t n, bool tcp, Found& out);

// A DHCP (BOOTP) message: the client's host name and hardware address, for the address
// it was given (`seen_s` stamps the hardware address).
void from_dhcp(const uint8_t* p, uint32_t n, int64_t seen_s, Found& out);

}  // namespace netledger::capture::names
