// LINKTYPE_NFLOG (https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): a 4-byte
// header (address family, version, resource id) then TLVs whose length and type are
// in the capturing host's byte order (little-endian in practice). The packet is in
// the NFULA_PAYLOAD (9) TLV.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

void nflog(Ctx& ctx, Bytes b) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedLink);
  uint8_t family = b.u8(0);
  b = b.skip(4);
  while (b.has(4)) {
    uint16_t len = b.le16(0);
    uint16_t type = b.le16(2) & 0x7FFF;
    if (len < 4) return ctx.bump(Anomaly::kTruncatedLink);
    if (type == 9) {
      Bytes payload = b.first(len).skip(4);
      if (family == 2) return ipv4(ctx, payload);
      if (family == 10) return ipv6(ctx, payload);
      return ctx.bump(Anomaly::kUnknownAddressFamily);
    }
    b = b.skip((static_cast<uint32_t>(len) + 3U) & ~3U);
  }
}

}  // namespace netledger::capture::decode
