#include "netledger/capture/decoder.hpp"

#include <gtest/gtest.h>

#include "support/packet_builder.hpp"

namespace netledger::capture {

using test::Frame;

namespace {

struct Decoded {
  Verdict verdict;
  DecodedPacket pkt;
};

Decoded run(Decoder& d, const std::vector<uint8_t>& f, int link = link::kEthernet, int64_t ts_us = 0) {
  Decoded out{};
  out.verdict = d.decode(link, f.data(), static_cast<uint32_t>(f.size()), ts_us, out.pkt);
  return out;
}

}  // namespace

TEST(Decoder, EthernetIpv4TcpGivesAddressesPortsAndFlags) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x0800)
               .ipv4("192.0.2.1", "198.51.100.7", 6)
               .tcp(40000, 443, 0x02)
               .payload(10)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.verdict, Verdict::kIp);
  ASSERT_EQ(r.pkt.n_ip, 1);
  const IpLayer& l = r.pkt.ip[0];
  EXPECT_EQ(l.src.to_string(), "192.0.2.1");
  EXPECT_EQ(l.dst.to_string(), "198.51.100.7");
  EXPECT_EQ(l.ip_proto, 6);
  EXPECT_EQ(l.src_port, 40000);
  EXPECT_EQ(l.dst_port, 443);
  EXPECT_EQ(l.tcp_flags, 0x02);
  EXPECT_EQ(r.pkt.payload_len, 10U);
}

TEST(Decoder, StackedVlanTagsGiveInnerAndOuterIds) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x88A8)
               .vlan(100, 0x8100)
               .vlan(200, 0x0800)
               .ipv4("10.0.0.1", "10.0.0.2", 17)
               .udp(1, 2)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 1);
  EXPECT_EQ(r.pkt.outer_vlan, 100);
  EXPECT_EQ(r.pkt.vlan, 200);
}

TEST(Decoder, Ipv6ExtensionHeadersAreWalkedToTheTransport) {
  Decoder d;
  // Hop-by-hop (8 bytes) then destination options (8 bytes) then UDP.
  auto f = Frame()
               .ethernet(0x86DD)
               .ipv6("2001:db8::1", "2001:db8::2", 0)
               .bytes({60, 0, 1, 4, 0, 0, 0, 0})
               .bytes({17, 0, 1, 4, 0, 0, 0, 0})
               .udp(5353, 53)
               .payload(4)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 1);
  EXPECT_EQ(r.pkt.ip[0].ip_proto, 17);
  EXPECT_EQ(r.pkt.ip[0].dst_port, 53);
}

TEST(Decoder, IcmpErrorQuotesAreNotTraffic) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x0800)
               .ipv4("192.0.2.1", "192.0.2.2", 1)
               .icmp(3, 3)
               .ipv4("192.0.2.2", "203.0.113.9", 17)
               .udp(5000, 53)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 1);
  EXPECT_EQ(r.pkt.ip[0].dst.to_string(), "192.0.2.2");
}

TEST(Decoder, IpInIpChargesBothLayers) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x0800)
               .ipv4("192.0.2.1", "192.0.2.2", 41)
               .ipv6("2001:db8::1", "2001:db8::2", 6)
               .tcp(1, 2, 0x10)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 2);
  EXPECT_EQ(r.pkt.ip[0].ip_proto, 41);
  EXPECT_EQ(r.pkt.ip[1].src.to_string(), "2001:db8::1");
  EXPECT_EQ(r.pkt.ip[1].ip_proto, 6);
}

TEST(Decoder, VxlanCarriesAnInnerEthernetFrame) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x0800)
               .ipv4("192.0.2.1", "192.0.2.2", 17)
               .udp(50000, 4789)
               .bytes({0x08, 0, 0, 0, 0, 0, 1, 0})
               .ethernet(0x0800)
               .ipv4("10.1.1.1", "10.1.1.2", 6)
               .tcp(1234, 80, 0x18)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 2);
  EXPECT_EQ(r.pkt.ip[1].src.to_string(), "10.1.1.1");
  EXPECT_EQ(r.pkt.ip[1].dst_port, 80);
}

TEST(Decoder, GreCarriesIpv4) {
  Decoder d;
  auto f = Frame()
               .ethernet(0x0800)
               .ipv4("192.0.2.1", "192.0.2.2", 47)
               .bytes({0, 0, 0x08, 0x00})
               .ipv4("10.0.0.1", "10.0.0.2", 1)
               .icmp(8, 0)
               .finish();
  auto r = run(d, f);
  ASSERT_EQ(r.pkt.n_ip, 2);
  EXPECT_EQ(r.pkt.ip[1].ip_proto, 1);
}

TEST(Decoder, TruncatedIpv4IsCountedNotDecoded) {
  Decoder d;
  auto f = Frame().ethernet(0x0800).ipv4("192.0.2.1", "192.0.2.2", 6).finish();
  f.resize(14 + 12);  // cut inside the IPv4 header
  auto r = run(d, f);
  EXPECT_EQ(r.pkt.n_ip, 0);
  EXPECT_EQ(d.anomalies().get(Anomaly::kTruncatedIpv4), 1U);
}

TEST(Decoder, EveryPrefixOfAFrameIsSafe) {
  // Decoding any cut of a deep frame must neither crash nor read past the cut (the
  // sanitizer build checks the second part).
  Decoder d;
  auto f = Frame()
               .ethernet(0x8100)
               .vlan(5, 0x0800)
               .ipv4("192.0.2.1", "192.0.2.2", 17)
               .udp(40000, 2152)
               .bytes({0x30, 0xFF, 0, 0, 0, 0, 0, 1})
               .ipv6("2001:db8::1", "2001:db8::2", 6)
               .tcp(1, 2, 2)
               .finish();
  for (size_t n = 0; n <= f.size(); ++n) {
    std::vector<uint8_t> cut(f.begin(), f.begin() + static_cast<long>(n));
    auto r = run(d, cut);
    EXPECT_LE(r.pkt.n_ip, 2);
  }
  EXPECT_EQ(run(d, f).pkt.n_ip, 2);
}

TEST(Decoder, NonIpFramesAreNotBroken) {
  Decoder d;
  auto arp = Frame().ethernet(0x0806).payload(28).finish();
  EXPECT_EQ(run(d, arp).verdict, Verdict::kNonIp);
}

TEST(Decoder, UnknownLinkTypeIsCounted) {
  Decoder d;
  std::vector<uint8_t> f(64, 0);
  EXPECT_EQ(run(d, f, 147).verdict, Verdict::kBroken);
  EXPECT_EQ(d.anomalies().get(Anomaly::kUnknownLinkType), 1U);
}

TEST(Decoder, FragmentsAreReassembledAndTheTransportDecodedInTheLastOne) {
  Decoder d;
  // A UDP datagram of 8 + 24 bytes split after 16 bytes: the first fragment has the
  // UDP header, the second completes the datagram.
  auto first = Frame()
                   .ethernet(0x0800)
                   .ipv4("192.0.2.1", "192.0.2.2", 17, 0x2000, 77)
                   .udp(1000, 53)
                   .payload(8)
                   .finish();
  // finish() set the UDP length to 16; the datagram's UDP length must be 32.
  first[14 + 20 + 4] = 0;
  first[14 + 20 + 5] = 32;
  auto second = Frame().ethernet(0x0800).ipv4("192.0.2.1", "192.0.2.2", 17, 2, 77).payload(16).finish();
  auto r1 = run(d, first, link::kEthernet, 1);
  ASSERT_EQ(r1.pkt.n_ip, 1);
  EXPECT_TRUE(r1.pkt.ip[0].fragment);
  EXPECT_FALSE(r1.pkt.ip[0].has_ports);
  auto r2 = run(d, second, link::kEthernet, 2);
  ASSERT_EQ(r2.pkt.n_ip, 1);
  EXPECT_FALSE(r2.pkt.ip[0].fragment);
  EXPECT_EQ(r2.pkt.ip[0].dst_port, 53);
  EXPECT_EQ(r2.pkt.payload_len, 24U);
}

}  // namespace netledger::capture
