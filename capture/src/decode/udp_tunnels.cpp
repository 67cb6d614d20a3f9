// Tunnels over UDP, recognised by their IANA ports like Wireshark does: VXLAN
// (RFC 7348, 4789), Geneve (RFC 8926, 6081), GTP-U (3GPP TS 29.281, 2152) and
// Teredo (RFC 4380, 3544).
#include "decode_internal.hpp"

namespace netledger::capture::decode {

namespace {

constexpr uint16_t kVxlanPort = 4789;
constexpr uint16_t kGenevePort = 6081;
constexpr uint16_t kGtpUserPort = 2152;
constexpr uint16_t kTeredoPort = 3544;

bool vxlan(Ctx& ctx, Bytes b) {
  if (!b.has(8)) {
    ctx.bump(Anomaly::kTruncatedTunnel);
    return true;
  }
  ethernet(ctx, b.skip(8));
  return true;
}

bool geneve(Ctx& ctx, Bytes b) {
  if (!b.has(8)) {
    ctx.bump(Anomaly::kTruncatedTunnel);
    return true;
  }
  uint32_t hlen = 8 + (b.u8(0) & 0x3FU) * 4U;
  if (!b.has(hlen)) {
    ctx.bump(Anomaly::kTruncatedTunnel);
    return true;
  }
  by_ethertype(ctx, b.be16(2), b.skip(hlen));
  return true;
}

bool gtp_user(Ctx& ctx, Bytes b) {
  if (!b.has(8) || (b.u8(0) >> 5) != 1 || (b.u8(0) & 0x10) == 0) return false;  // GTPv1, PT=1
  uint8_t flags = b.u8(0);
  if (b.u8(1) != 0xFF) return true;  // signalling (echo, error indication): no user packet
  uint32_t hlen = 8;
  if ((flags & 0x07) != 0) {
    if (!b.has(12)) {
      ctx.bump(Anomaly::kTruncatedTunnel);
      return true;
    }
    hlen = 12;
    // Extension headers: a length in 4-byte units, the next type in the last byte.
    uint8_t next = (flags & 0x04) != 0 ? b.u8(11) : 0;
    for (int guard = 0; next != 0 && guard < 16; ++guard) {
      if (!b.has(hlen + 1)) break;
      uint32_t ext_len = b.u8(hlen) * 4U;
      if (ext_len == 0 || !b.has(hlen + ext_len)) {
        ctx.bump(Anomaly::kTruncatedTunnel);
        return true;
      }
      next = b.u8(hlen + ext_len - 1);
      hlen += ext_len;
    }
  }
  Bytes inner = b.skip(hlen);
  if (!inner.has(1)) return true;
  switch (inner.u8(0) >> 4) {
    case 4: ipv4(ctx, inner); break;
    case 6: ipv6(ctx, inner); break;
    default: break;
  }
  return true;
}

bool teredo(Ctx& ctx, Bytes b) {
  // RFC 4380 §5.1.1: optional authentication, then optional origin indication.
  if (b.has(2) && b.be16(0) == 0x0001) {
    if (!b.has(4)) return false;
    uint32_t len = 4U + b.u8(2) + b.u8(3) + 8U + 1U;
    b = b.skip(len);
  }
  if (b.has(2) && b.be16(0) == 0x0000) b = b.skip(8);
  if (!b.has(40) || (b.u8(0) >> 4) != 6) return false;
  ipv6(ctx, b);
  return true;
}

}  // namespace

bool udp_tunnel(Ctx& ctx, uint16_t src_port, uint16_t dst_port, Bytes b) {
  auto either = [&](uint16_t port) { return src_port == port || dst_port == port; };
  if (either(kVxlanPort)) return vxlan(ctx, b);
  if (either(kGenevePort)) return geneve(ctx, b);
  if (either(kGtpUserPort)) return gtp_user(ctx, b);
  if (either(kTeredoPort)) return teredo(ctx, b);
  return false;
}

}  // namespace netledger::capture::decode
