// IPv4 (RFC 791) and IPv6 (RFC 8200) headers. Each IP header a frame carries becomes
// one IpLayer: tunnel endpoints and inner hosts are all charged with the frame.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

namespace {

// Appends a layer; nullptr when the frame has more IP layers than we keep.
IpLayer* add_layer(Ctx& ctx) {
  if (ctx.pkt.n_ip >= kMaxIpLayers) {
    ctx.bump(Anomaly::kTooManyLayers);
    return nullptr;
  }
  IpLayer* l = &ctx.pkt.ip[static_cast<size_t>(ctx.pkt.n_ip++)];
  *l = IpLayer{};
  return l;
}

bool is_ipv6_extension(uint8_t next) {
  switch (next) {
    case 0:    // hop-by-hop options
    case 43:   // routing
    case 44:   // fragment
    case 51:   // authentication header
    case 60:   // destination options
    case 135:  // mobility
    case 139:  // HIP
    case 140:  // shim6
      return true;
    default: return false;
  }
}

}  // namespace

void ipv4(Ctx& ctx, Bytes b) {
  if (++ctx.depth > kMaxDepth) return ctx.bump(Anomaly::kTooManyLayers);
  if (!b.has(20)) return ctx.bump(Anomaly::kTruncatedIpv4);
  if ((b.u8(0) >> 4) != 4) return ctx.bump(Anomaly::kBadIpVersion);
  uint32_t hlen = (b.u8(0) & 0x0FU) * 4U;
  if (hlen < 20) return ctx.bump(Anomaly::kBadIpv4HeaderLen);
  uint32_t total = b.be16(2);
  // A zero total length is what TCP segmentation offload leaves in captures taken on
  // the sending host: the real length is the frame's.
  if (total == 0) total = b.n;
  if (total < hlen) return ctx.bump(Anomaly::kBadIpLength);

  IpLayer* l = add_layer(ctx);
  if (l == nullptr) return;
  const int layer = ctx.pkt.n_ip - 1;
  l->src = IpAddr::v4(b.p + 12);
  l->dst = IpAddr::v4(b.p + 16);
  l->ip_proto = b.u8(9);
  l->l3 = b.p;
  l->l3_len = total < b.n ? total : b.n;

  uint16_t frag = b.be16(6);
  bool more_fragments = (frag & 0x2000) != 0;
  uint16_t offset = frag & 0x1FFF;
  if (!b.has(hlen)) {
    l->fragment = more_fragments || offset != 0;
    return ctx.bump(Anomaly::kTruncatedIpv4);
  }
  if (more_fragments || offset != 0) {
    // Only a fragment captured whole can be reassembled.
    Bytes data{b.p + hlen, total - hlen};
    if (total > b.n) data.n = 0;
    return fragment(ctx, layer, b.be16(4), offset * 8U, more_fragments, data);
  }
  if (total > b.n && b.n >= hlen) total = b.n;  // snaplen cut: decode what was captured
  by_ip_proto(ctx, l->ip_proto, Bytes{b.p + hlen, total - hlen}, layer);
}

void ipv6(Ctx& ctx, Bytes b) {
  if (++ctx.depth > kMaxDepth) return ctx.bump(Anomaly::kTooManyLayers);
  if (!b.has(40)) return ctx.bump(Anomaly::kTruncatedIpv6);
  if ((b.u8(0) >> 4) != 6) return ctx.bump(Anomaly::kBadIpVersion);
  IpLayer* l = add_layer(ctx);
  if (l == nullptr) return;
  const int layer = ctx.pkt.n_ip - 1;
  l->src = IpAddr::v6(b.p + 8);
  l->dst = IpAddr::v6(b.p + 24);

  uint32_t payload_len = b.be16(4);
  l->l3 = b.p;
  l->l3_len = payload_len != 0 && 40 + payload_len < b.n ? 40 + payload_len : b.n;
  uint8_t next = b.u8(6);
  Bytes rest = b.skip(40);
  // A zero payload length means a jumbogram (RFC 2675) or offload: take the frame's.
  if (payload_len != 0) rest = rest.first(payload_len);

  // RFC 8200 §4: extension headers chain through Next Header.
  for (int guard = 0; is_ipv6_extension(next) && guard < 16; ++guard) {
    if (!rest.has(8)) {
      l->ip_proto = next;
      return ctx.bump(Anomaly::kTruncatedIpv6Ext);
    }
    uint8_t following = rest.u8(0);
    uint32_t ext_len = 0;
    if (next == 44) {
      uint16_t off_flags = rest.be16(2);
      if ((off_flags & 0xFFF8) != 0 || (off_flags & 0x0001) != 0) {
        l->ip_proto = following;
        Bytes data = rest.skip(8);
        if (payload_len != 0 && b.n < 40 + payload_len) data.n = 0;  // cut by the snaplen
        return fragment(ctx, layer, rest.be32(4), off_flags & 0xFFF8U, (off_flags & 0x0001) != 0, data);
      }
      ext_len = 8;  // an atomic fragment: the whole datagram is here
    } else if (next == 51) {
      ext_len = (rest.u8(1) + 2U) * 4U;  // RFC 4302 §2.2: in 32-bit words, minus 2
    } else {
      ext_len = (rest.u8(1) + 1U) * 8U;
    }
    if (!rest.has(ext_len)) {
      l->ip_proto = next;
      return ctx.bump(Anomaly::kTruncatedIpv6Ext);
    }
    rest = rest.skip(ext_len);
    next = following;
  }
  l->ip_proto = next;
  by_ip_proto(ctx, next, rest, layer);
}

void fragment(Ctx& ctx, int layer, uint32_t id, uint32_t offset, bool more, Bytes data) {
  IpLayer& l = ctx.pkt.ip[static_cast<size_t>(layer)];
  l.fragment = true;
  if (ctx.in_reassembled || data.n == 0) return;
  uint64_t dropped = 0;
  Reassembler::Fragment f{l.src, l.dst, id, l.ip_proto, offset, more, data.p, data.n};
  Reassembler::Datagram d = ctx.reassembler.add(f, ctx.ts_us, dropped);
  for (uint64_t i = 0; i < dropped; ++i) ctx.bump(Anomaly::kFragmentsDropped);
  if (d.data == nullptr) return;
  l.fragment = false;
  l.l3 = nullptr;  // the header and the reassembled payload are not one buffer
  l.l3_len = 0;
  ctx.in_reassembled = true;
  by_ip_proto(ctx, l.ip_proto, Bytes{d.data, d.len}, layer);
}

void by_ip_proto(Ctx& ctx, uint8_t proto, Bytes b, int layer) {
  switch (proto) {
    case 6: return tcp(ctx, b, layer);
    case 17:
    case 136:  // UDP-Lite shares UDP's port layout
      return udp(ctx, b, layer);
    case 132: return sctp(ctx, b, layer);
    case 1:
    case 58: return icmp(ctx, b, layer);
    case 4: return ipv4(ctx, b);
    case 41: return ipv6(ctx, b);
    case 47: return gre(ctx, b);
    default: return set_payload(ctx, b);
  }
}

}  // namespace netledger::capture::decode
