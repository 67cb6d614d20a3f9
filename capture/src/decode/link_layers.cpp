// Link layers without their own framing logic: Linux cooked capture v1/v2,
// BSD loopback (DLT_NULL/LOOP), raw IP.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html: 16 bytes, protocol last.
void linux_sll(Ctx& ctx, Bytes b) {
  if (!b.has(16)) return ctx.bump(Anomaly::kTruncatedLink);
  uint16_t hatype = b.be16(2);
  uint16_t proto = b.be16(14);
  // ARPHRD_IPGRE (778) carries a GRE header; ARPHRD_NETLINK (824) carries no IP.
  if (hatype == 778) return gre(ctx, b.skip(16));
  if (hatype == 824) return;
  by_ethertype(ctx, proto, b.skip(16));
}

// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html: 20 bytes, protocol first.
void linux_sll2(Ctx& ctx, Bytes b) {
  if (!b.has(20)) return ctx.bump(Anomaly::kTruncatedLink);
  uint16_t hatype = b.be16(8);
  if (hatype == 778) return gre(ctx, b.skip(20));
  if (hatype == 824) return;
  by_ethertype(ctx, b.be16(0), b.skip(20));
}

// The 4-byte address family is in the capturing host's byte order for DLT_NULL and in
// network order for DLT_LOOP. IPv6 has a different AF_INET6 on every BSD (24, 28, 30)
// and Linux (10).
void null_loop(Ctx& ctx, Bytes b, bool network_order) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedLink);
  uint32_t af = b.be32(0);
  if (!network_order && (af & 0xFFFF) == 0) {
    af = (uint32_t{b.p[3]} << 24) | (uint32_t{b.p[2]} << 16) | (uint32_t{b.p[1]} << 8) | b.p[0];
  }
  switch (af) {
    case 2: return ipv4(ctx, b.skip(4));
    case 10:
    case 24:
    case 28:
    case 30: return ipv6(ctx, b.skip(4));
    default: return ctx.bump(Anomaly::kUnknownAddressFamily);
  }
}

void raw_ip(Ctx& ctx, Bytes b) {
  if (!b.has(1)) return ctx.bump(Anomaly::kTruncatedLink);
  switch (b.u8(0) >> 4) {
    case 4: return ipv4(ctx, b);
    case 6: return ipv6(ctx, b);
    default: return ctx.bump(Anomaly::kBadIpVersion);
  }
}

}  // namespace netledger::capture::decode
