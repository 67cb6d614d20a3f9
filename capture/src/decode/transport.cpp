// Transport headers: TCP (RFC 9293), UDP (RFC 768), SCTP (RFC 9260), ICMP and ICMPv6.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

namespace {

void set_ports(Ctx& ctx, int layer, Bytes b) {
  IpLayer& l = ctx.pkt.ip[static_cast<size_t>(layer)];
  l.src_port = b.be16(0);
  l.dst_port = b.be16(2);
  l.has_ports = true;
}

}  // namespace

void tcp(Ctx& ctx, Bytes b, int layer) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedTcp);
  set_ports(ctx, layer, b);
  if (!b.has(14)) return ctx.bump(Anomaly::kTruncatedTcp);
  ctx.pkt.ip[static_cast<size_t>(layer)].tcp_flags = b.u8(13);
  uint32_t hlen = (b.u8(12) >> 4) * 4U;
  if (hlen < 20) return ctx.bump(Anomaly::kBadTcpHeaderLen);
  set_payload(ctx, b.skip(hlen));
}

void udp(Ctx& ctx, Bytes b, int layer) {
  if (!b.has(8)) {
    if (b.has(4)) set_ports(ctx, layer, b);
    return ctx.bump(Anomaly::kTruncatedUdp);
  }
  set_ports(ctx, layer, b);
  uint32_t len = b.be16(4);
  Bytes payload = b.skip(8);
  if (len >= 8) payload = payload.first(len - 8);
  const IpLayer& l = ctx.pkt.ip[static_cast<size_t>(layer)];
  if (udp_tunnel(ctx, l.src_port, l.dst_port, payload)) return;
  set_payload(ctx, payload);
}

void sctp(Ctx& ctx, Bytes b, int layer) {
  if (!b.has(12)) {
    if (b.has(4)) set_ports(ctx, layer, b);
    return ctx.bump(Anomaly::kTruncatedSctp);
  }
  set_ports(ctx, layer, b);
  set_payload(ctx, b.skip(12));
}

// ICMP errors quote the header of the packet that caused them: that is evidence, not
// traffic, so decoding stops here and the quoted addresses are charged nothing.
void icmp(Ctx& ctx, Bytes b, int /*layer*/) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedIcmp);
  set_payload(ctx, b.skip(4));
}

}  // namespace netledger::capture::decode
