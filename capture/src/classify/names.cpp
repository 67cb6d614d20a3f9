#include "netledger/capture/names.hpp"

#include <array>
#include <cstring>

namespace netledger::capture::names {

namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

// Reads the (possibly compressed, RFC 1035 §4.1.4) name at `at` into `out` (`len`
// bytes), lower-cased and dotted. Returns the offset just past the name in the message,
// or 0 when malformed.
uint32_t read_name(const uint8_t* msg, uint32_t n, uint32_t at, std::array<char, 256>& out, size_t& len) {
  len = 0;
  uint32_t end = 0;  // where the name ends in the message, once a pointer was followed
  int jumps = 0;
  for (;;) {
    if (at >= n) return 0;
    uint8_t label = msg[at];
    if ((label & 0xC0) == 0xC0) {
      if (at + 1 >= n || ++jumps > 16) return 0;
      if (end == 0) end = at + 2;
      at = ((label & 0x3FU) << 8) | msg[at + 1];
      continue;
    }
    if ((label & 0xC0) != 0) return 0;  // the 0x40/0x80 label types are obsolete
    if (label == 0) return end != 0 ? end : at + 1;
    if (at + 1 + label > n || len + label + 1 > 253) return 0;
    if (len != 0) out[len++] = '.';
    for (uint32_t i = 0; i < label; ++i) {
      char c = static_cast<char>(msg[at + 1 + i]);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (!name_char(c)) return 0;  // a name is text: anything that would not print is not learned
      out[len++] = c;
    }
    at += 1 + label;
  }
}

bool printable(const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (p[i] < 0x20 || p[i] > 0x7E) return false;
  }
  return n > 0;
}

}  // namespace

void from_dns(const uint8_t* p, uint32_t n, bool tcp, Found& out) {
  out.clear();
  out.source = NameSource::kDns;
  if (tcp) {
    if (n < 2) return;
    uint32_t len = be16(p);
    p += 2;
    n -= 2;
    if (len < n) n = len;
  }
  if (n < 12) return;
  const uint16_t flags = be16(p + 2);
  if ((flags & 0x8000) == 0 || (flags & 0x000F) != 0) return;  // only answers without error
  const uint16_t questions = be16(p + 4);
  const uint16_t answers = be16(p + 6);
  if (questions != 1 || answers == 0) return;
  uint32_t at = read_name(p, n, 12, out.text, out.length);
  if (at == 0 || at + 4 > n || out.length == 0) return;
  at += 4;
  std::array<char, 256> owner;  // read to find where the answer's fields are
  size_t owner_len = 0;
  for (uint16_t i = 0; i < answers && i < Found::kMaxAddresses; ++i) {
    at = read_name(p, n, at, owner, owner_len);
    if (at == 0 || at + 10 > n) return;
    const uint16_t type = be16(p + at);
    const uint16_t klass = be16(p + at + 2);
    const uint16_t rdlen = be16(p + at + 8);
    at += 10;
    if (at + rdlen > n) return;
    if ((klass & 0x7FFF) == 1) {  // IN; mDNS sets the top bit ("cache flush")
      if (type == 1 && rdlen == 4) out.named.push_back(IpAddr::v4(p + at));
      if (type == 28 && rdlen == 16) out.named.push_back(IpAddr::v6(p + at));
    }
    at += rdlen;
  }
}

void from_dhcp(const uint8_t* p, uint32_t n, int64_t seen_s, Found& out) {
  out.clear();
  out.source = NameSource::kDhcp;
  // RFC 2131 §2: a fixed 236-byte header, then the magic cookie and the options.
  static constexpr std::array<uint8_t, 4> kCookie{99, 130, 83, 99};
  if (n < 240 || std::memcmp(p + 236, kCookie.data(), 4) != 0) return;
  const bool ethernet = p[1] == 1 && p[2] == 6;
  IpAddr ciaddr = IpAddr::v4(p + 12);
  IpAddr yiaddr = IpAddr::v4(p + 16);
  uint8_t type = 0;
  IpAddr requested;
  for (uint32_t at = 240; at < n;) {
    uint8_t code = p[at];
    if (code == 255) break;
    if (code == 0) {
      ++at;
      continue;
    }
    if (at + 2 > n || at + 2 + p[at + 1] > n) break;
    const uint8_t len = p[at + 1];
    const uint8_t* v = p + at + 2;
    if (code == 53 && len == 1) type = v[0];
    if (code == 50 && len == 4) requested = IpAddr::v4(v);
    if (code == 12 && printable(v, len)) {
      std::memcpy(out.text.data(), v, len);
      out.length = len;
    }
    at += 2U + len;
  }
  // The address the name and the hardware address belong to: the one the server gave
  // (ACK), the one the client asks to keep (REQUEST), or the one it already has.
  IpAddr host;
  if (type == 5 && !yiaddr.is_unspecified()) {
    host = yiaddr;
  } else if (type == 3) {
    host = !requested.empty() ? requested : ciaddr;
  } else if (type == 8) {
    host = ciaddr;
  }
  if (host.empty() || host.is_unspecified()) return;
  if (out.length != 0) out.named.push_back(host);
  if (ethernet) {
    out.mac = HostMac{host, {}, seen_s};
    std::memcpy(out.mac->mac.data(), p + 28, 6);
  }
}

}  // namespace netledger::capture::names
