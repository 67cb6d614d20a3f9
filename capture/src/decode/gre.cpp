// GRE (RFC 2784, key and sequence from RFC 2890) and the enhanced GRE of PPTP
// (RFC 2637 §4.1, version 1). ERSPAN type II rides on GRE too.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

void gre(Ctx& ctx, Bytes b) {
  if (++ctx.depth > kMaxDepth) return ctx.bump(Anomaly::kTooManyLayers);
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedGre);
  uint16_t flags = b.be16(0);
  uint16_t proto = b.be16(2);
  uint32_t hlen = 4;
  uint8_t version = flags & 0x7;
  if (version > 1) return;
  if ((flags & 0x8000) != 0 || (flags & 0x4000) != 0) hlen += 4;  // checksum (+ offset)
  if ((flags & 0x2000) != 0) hlen += 4;                           // key
  if ((flags & 0x1000) != 0) hlen += 4;                           // sequence
  if (version == 1 && (flags & 0x0080) != 0) hlen += 4;           // PPTP acknowledgment
  if (!b.has(hlen)) return ctx.bump(Anomaly::kTruncatedGre);
  Bytes payload = b.skip(hlen);
  switch (proto) {
    case 0x88BE:  // ERSPAN type II: an 8-byte header, then the mirrored Ethernet frame
      if (!payload.has(8)) return ctx.bump(Anomaly::kTruncatedGre);
      return ethernet(ctx, payload.skip(8));
    default: return by_ethertype(ctx, proto, payload);
  }
}

}  // namespace netledger::capture::decode
