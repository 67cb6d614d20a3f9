// PPP (RFC 1661/1662) and PPPoE sessions (RFC 2516).
#include "decode_internal.hpp"

namespace netledger::capture::decode {

void ppp(Ctx& ctx, Bytes b) {
  if (!b.has(2)) return ctx.bump(Anomaly::kTruncatedPpp);
  if (b.u8(0) == 0xFF && b.u8(1) == 0x03) b = b.skip(2);  // HDLC address and control
  if (!b.has(1)) return ctx.bump(Anomaly::kTruncatedPpp);
  uint16_t proto = 0;
  // RFC 1661 §6.5: a compressed protocol field is one byte with its low bit set.
  if ((b.u8(0) & 0x01) != 0) {
    proto = b.u8(0);
    b = b.skip(1);
  } else {
    if (!b.has(2)) return ctx.bump(Anomaly::kTruncatedPpp);
    proto = b.be16(0);
    b = b.skip(2);
  }
  switch (proto) {
    case 0x0021: return ipv4(ctx, b);
    case 0x0057: return ipv6(ctx, b);
    case 0x0281:  // MPLS unicast
    case 0x0283: return mpls(ctx, b);
    default: return;  // LCP, IPCP, CHAP...: link control, not IP
  }
}

void pppoe_session(Ctx& ctx, Bytes b) {
  if (!b.has(8)) return ctx.bump(Anomaly::kTruncatedPppoe);
  uint16_t len = b.be16(4);
  Bytes payload = b.skip(6).first(len);
  if (!payload.has(2)) return ctx.bump(Anomaly::kTruncatedPppoe);
  // The PPP protocol field follows the 6-byte header, uncompressed, with no address/control.
  uint16_t proto = payload.be16(0);
  switch (proto) {
    case 0x0021: return ipv4(ctx, payload.skip(2));
    case 0x0057: return ipv6(ctx, payload.skip(2));
    default: return;
  }
}

}  // namespace netledger::capture::decode
