// MPLS label stack (RFC 3032): 4-byte entries until the bottom-of-stack bit. The
// payload type is not signalled; like tcpdump and Wireshark we look at the first
// nibble, and treat a zero nibble as the RFC 4385 pseudowire control word before an
// Ethernet frame.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

void mpls(Ctx& ctx, Bytes b) {
  for (;;) {
    if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedMpls);
    bool bottom = (b.u8(2) & 0x01) != 0;
    b = b.skip(4);
    if (bottom) break;
  }
  if (!b.has(1)) return ctx.bump(Anomaly::kTruncatedMpls);
  switch (b.u8(0) >> 4) {
    case 4: return ipv4(ctx, b);
    case 6: return ipv6(ctx, b);
    case 0: return ethernet(ctx, b.skip(4));
    default: return;
  }
}

}  // namespace netledger::capture::decode
