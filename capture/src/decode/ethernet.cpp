// Ethernet II and the EtherType dispatch table; 802.1Q/802.1ad tags, stacked to any depth.
#include "decode_internal.hpp"

namespace netledger::capture::decode {

void ethernet(Ctx& ctx, Bytes b) {
  if (!b.has(14)) return ctx.bump(Anomaly::kTruncatedLink);
  ++ctx.ethernet_seen;
  uint16_t type = b.be16(12);
  // Below 0x0600 the field is an 802.3 length and an LLC header follows: no IP for us.
  if (type < 0x0600) return;
  by_ethertype(ctx, type, b.skip(14));
}

// IEEE 802.1Q: 2 bytes TCI (PCP, DEI, 12-bit VID), 2 bytes inner EtherType. Only the
// tags of the outermost Ethernet header become the flow's VLAN: a VXLAN payload's
// tags belong to the tenant network, not to the link we watch.
void vlan(Ctx& ctx, Bytes b) {
  if (!b.has(4)) return ctx.bump(Anomaly::kTruncatedVlan);
  if (ctx.ethernet_seen <= 1 && ctx.pkt.n_ip == 0) {
    auto id = static_cast<uint16_t>(b.be16(0) & 0x0FFF);
    if (ctx.pkt.vlan == 0 && ctx.pkt.outer_vlan == 0) {
      ctx.pkt.vlan = id;
    } else {
      if (ctx.pkt.outer_vlan == 0) ctx.pkt.outer_vlan = ctx.pkt.vlan;
      ctx.pkt.vlan = id;
    }
  }
  by_ethertype(ctx, b.be16(2), b.skip(4));
}

void by_ethertype(Ctx& ctx, uint16_t type, Bytes b) {
  if (++ctx.depth > kMaxDepth) return ctx.bump(Anomaly::kTooManyLayers);
  switch (type) {
    case ethertype::kIpv4: return ipv4(ctx, b);
    case ethertype::kIpv6: return ipv6(ctx, b);
    case ethertype::kVlan:
    case ethertype::kQinQ:
    case ethertype::kQinQOld:
    case ethertype::kQinQOld2: return vlan(ctx, b);
    case ethertype::kMplsUnicast:
    case ethertype::kMplsMulticast: return mpls(ctx, b);
    case ethertype::kPppoeSession: return pppoe_session(ctx, b);
    case ethertype::kTransparentEthernet: return ethernet(ctx, b);
    case ethertype::kPpp: return ppp(ctx, b);
    case ethertype::kArp: return arp(ctx, b);
    default: return;  // LLDP, STP, PPPoE discovery...: not IP
  }
}

}  // namespace netledger::capture::decode

namespace netledger::capture::decode {

// ARP (RFC 826) for IPv4 over Ethernet: the sender states its own MAC and address.
// Gratuitous and probe requests (sender 0.0.0.0) say nothing about a host.
void arp(Ctx& ctx, Bytes b) {
  if (!b.has(28)) return ctx.bump(Anomaly::kTruncatedArp);
  if (b.be16(0) != 1 || b.be16(2) != ethertype::kIpv4 || b.u8(4) != 6 || b.u8(5) != 4) return;
  IpAddr ip = IpAddr::v4(b.p + 14);
  if (ip.is_unspecified()) return;
  ctx.pkt.has_neighbor = true;
  ctx.pkt.neighbor.ip = ip;
  std::memcpy(ctx.pkt.neighbor.mac.data(), b.p + 8, 6);
}

}  // namespace netledger::capture::decode
