// Transport headers: TCP (RFC 9293), UDP (RFC 768), SCTP (RFC 9260), ICMP and ICMPv6.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

namespace {

// IPv6 neighbour discovery (RFC 4861 §4.3, §4.4): a solicitation carries the sender's
// own link-layer address (option 1), an advertisement the target's (option 2).
void neighbor_discovery(Ctx& ctx, const IpLayer& l, Bytes b) {
  uint8_t type = b.u8(0);
  if (type != 135 && type != 136) return;
  if (!b.has(24)) return;
  IpAddr owner = type == 135 ? l.src : IpAddr::v6(b.p + 8);
  const uint8_t wanted = type == 135 ? 1 : 2;
  if (owner.is_unspecified()) return;
  for (Bytes opt = b.skip(24); opt.has(8);) {
    uint32_t len = opt.u8(1) * 8U;
    if (len == 0 || !opt.has(len)) return;
    if (opt.u8(0) == wanted) {
      ctx.pkt.has_neighbor = true;
      ctx.pkt.neighbor.ip = owner;
      std::memcpy(ctx.pkt.neighbor.mac.data(), opt.p + 2, 6);
      return;
    }
    opt = opt.skip(len);
  }
}

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
void icmp(Ctx& ctx, Bytes b, int layer) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedIcmp);
  const IpLayer& l = ctx.pkt.ip[static_cast<size_t>(layer)];
  if (l.ip_proto == 58) neighbor_discovery(ctx, l, b);
  set_payload(ctx, b.skip(4));
}

}  // namespace netledger::capture::decode
