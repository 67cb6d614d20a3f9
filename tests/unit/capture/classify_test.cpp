// Application protocols (nDPI) and names learned from the traffic.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "netledger/capture/accountant.hpp"
#include "netledger/capture/decoder.hpp"
#include "netledger/capture/names.hpp"
#include "support/memory_sink.hpp"
#include "support/packet_builder.hpp"

namespace netledger::capture {

using test::Frame;
using test::MemorySink;

namespace {

constexpr int64_t kSec = 1'000'000;

// A DNS answer for www.Example.org: an A and an AAAA record whose owner names point
// back at the question (RFC 1035 compression).
std::vector<uint8_t> dns_answer() {
  std::vector<uint8_t> m = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0};
  for (const char* label : {"www", "Example", "org"}) {
    m.push_back(static_cast<uint8_t>(std::string(label).size()));
    m.insert(m.end(), label, label + std::string(label).size());
  }
  m.insert(m.end(), {0, 0, 1, 0, 1});
  m.insert(m.end(), {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 80});
  m.insert(m.end(), {0xC0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8});
  m.insert(m.end(), 12, 0);
  m.back() = 0x50;
  return m;
}

std::vector<uint8_t> dns_query() {
  std::vector<uint8_t> m = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const char* label : {"www", "example", "org"}) {
    m.push_back(static_cast<uint8_t>(std::string(label).size()));
    m.insert(m.end(), label, label + std::string(label).size());
  }
  m.insert(m.end(), {0, 0, 1, 0, 1});
  return m;
}

Frame& with(Frame& f, const std::vector<uint8_t>& payload) {
  return f.bytes(payload.data(), payload.size());
}

class Feeder {
 public:
  explicit Feeder(AccountantOptions o = {}) : acct(o, sink) {}
  void feed(int64_t ts_us, const std::vector<uint8_t>& f) {
    DecodedPacket p;
    Verdict v = dec.decode(link::kEthernet, f.data(), static_cast<uint32_t>(f.size()), ts_us, p);
    if (v == Verdict::kIp) {
      acct.add(ts_us, static_cast<uint32_t>(f.size()), p);
    } else if (p.has_neighbor) {
      acct.add_neighbor(ts_us, p.neighbor);
    }
  }
  void dns_ask(int64_t ts_us) {
    Frame q;
    q.ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.53", 17).udp(40000, 53);
    feed(ts_us, with(q, dns_query()).finish());
  }
  void dns_reply(int64_t ts_us, const std::vector<uint8_t>& answer = dns_answer()) {
    Frame a;
    a.ethernet(0x0800).ipv4("10.0.0.53", "10.0.0.1", 17).udp(53, 40000);
    feed(ts_us, with(a, answer).finish());
  }
  void dns_exchange(int64_t ts_us, const std::vector<uint8_t>& answer = dns_answer()) {
    dns_ask(ts_us);
    dns_reply(ts_us + 1000, answer);
  }
  // Label names as the batches carried them.
  std::map<LabelId, std::string> labels() const {
    std::map<LabelId, std::string> out;
    for (const auto& b : sink.batches) {
      for (const auto& [id, name] : b.labels) out[id] = name;
    }
    return out;
  }
  MemorySink sink;
  Decoder dec;
  Accountant acct;
};

}  // namespace

TEST(Names, DnsAnswerNamesEveryAddressItGivesAfterTheQuestion) {
  names::Found out;
  auto m = dns_answer();
  names::from_dns(m.data(), static_cast<uint32_t>(m.size()), false, out);
  ASSERT_EQ(out.named.size(), 2U);
  EXPECT_EQ(out.named[0].to_string(), "192.0.2.80");
  EXPECT_EQ(out.named[1].to_string(), "2001:db8::50");
  EXPECT_EQ(out.name(), "www.example.org");  // DNS names compare without case
  EXPECT_EQ(out.source, NameSource::kDns);
  EXPECT_FALSE(out.mac);
}

TEST(Names, DnsOverTcpSkipsTheLengthPrefix) {
  auto m = dns_answer();
  std::vector<uint8_t> tcp = {0, static_cast<uint8_t>(m.size())};
  tcp.insert(tcp.end(), m.begin(), m.end());
  names::Found out;
  names::from_dns(tcp.data(), static_cast<uint32_t>(tcp.size()), true, out);
  EXPECT_EQ(out.named.size(), 2U);
}

TEST(Names, QueriesErrorsLoopsAndCutMessagesTeachNothingFalse) {
  names::Found out;
  auto answer = dns_answer();
  auto q = dns_query();
  names::from_dns(answer.data(), static_cast<uint32_t>(answer.size()), false, out);
  names::from_dns(q.data(), static_cast<uint32_t>(q.size()), false, out);
  EXPECT_TRUE(out.empty());  // nothing of the message before stays

  auto nx = dns_answer();
  nx[3] = 0x83;  // NXDOMAIN
  names::from_dns(nx.data(), static_cast<uint32_t>(nx.size()), false, out);
  EXPECT_TRUE(out.empty());

  auto loop = dns_answer();
  loop[12] = 0xC0;  // the question name points at itself
  loop[13] = 12;
  names::from_dns(loop.data(), static_cast<uint32_t>(loop.size()), false, out);
  EXPECT_TRUE(out.empty());

  // Cut inside the second answer: the first is whole and is kept.
  auto cut = dns_answer();
  names::from_dns(cut.data(), static_cast<uint32_t>(cut.size() - 5), false, out);
  ASSERT_EQ(out.named.size(), 1U);
  EXPECT_EQ(out.named[0].to_string(), "192.0.2.80");
  EXPECT_EQ(out.name(), "www.example.org");

  // Every shorter prefix is read without going past it (ASan watches).
  for (size_t n = 0; n < cut.size(); ++n) {
    std::vector<uint8_t> prefix(cut.begin(), cut.begin() + static_cast<long>(n));
    names::from_dns(prefix.data(), static_cast<uint32_t>(n), false, out);
    EXPECT_LE(out.named.size(), 1U);
  }
}

TEST(Names, DhcpAckNamesTheAddressGivenAndItsHardware) {
  std::vector<uint8_t> m(240, 0);
  m[0] = 2;  // reply
  m[1] = 1;
  m[2] = 6;
  m[16] = 192, m[17] = 0, m[18] = 2, m[19] = 33;  // yiaddr
  for (int i = 0; i < 6; ++i) m[static_cast<size_t>(28 + i)] = static_cast<uint8_t>(0x10 + i);
  m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
  m.insert(m.end(), {53, 1, 5, 12, 6, 'l', 'a', 'p', 't', 'o', 'p', 255});
  names::Found out;
  names::from_dhcp(m.data(), static_cast<uint32_t>(m.size()), 7, out);
  ASSERT_EQ(out.named.size(), 1U);
  EXPECT_EQ(out.named[0].to_string(), "192.0.2.33");
  EXPECT_EQ(out.name(), "laptop");
  EXPECT_EQ(out.source, NameSource::kDhcp);
  ASSERT_TRUE(out.mac);
  EXPECT_EQ(out.mac->host.to_string(), "192.0.2.33");
  EXPECT_EQ(out.mac->mac[0], 0x10);
  EXPECT_EQ(out.mac->mac[5], 0x15);
  EXPECT_EQ(out.mac->seen_s, 7);

  // An option running past the end is not read.
  m[m.size() - 8] = 200;
  names::from_dhcp(m.data(), static_cast<uint32_t>(m.size()), 7, out);
  EXPECT_TRUE(out.named.empty());
}

// nDPI answers a DNS flow from its query; the response would not change it. So the flow
// is done with at the query, and the minute that ends before the response charges both
// hosts to DNS, not to Unknown.
TEST(Classifier, DnsIsFoundByInspectionOfTheQueryAndChargedToBothHosts) {
  Feeder f;
  f.dns_ask(59 * kSec);
  EXPECT_EQ(f.acct.flows_in_classification(), 0U);
  f.dns_reply(61 * kSec);
  ASSERT_TRUE(f.acct.finish());
  auto labels = f.labels();
  auto flows = f.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(labels[flows[0].app.ndpi], "DNS");
  EXPECT_EQ(labels[flows[0].app.app], "DNS");
  EXPECT_EQ(flows[0].app.master, kUnknownLabel);
  EXPECT_EQ(labels[flows[0].app.category], "Network");
  EXPECT_FALSE(flows[0].app.guessed);
  std::set<int64_t> minutes;
  for (const auto& b : f.sink.batches) {
    for (const auto& h : b.hosts) {
      EXPECT_EQ(labels[h.app], "DNS") << h.host.to_string() << " at " << h.bucket_s;
      minutes.insert(h.bucket_s);
    }
  }
  EXPECT_EQ(minutes, (std::set<int64_t>{0, 60}));
  // The answer named the address it gave.
  bool named = false;
  for (const auto& b : f.sink.batches) {
    for (const auto& n : b.names) named |= n.host.to_string() == "192.0.2.80" && n.name == "www.example.org";
  }
  EXPECT_TRUE(named);
}

// A name seen again in its bucket is sent once with its first sighting and once with its
// last, so the stored times do not hang on which sighting came first.
TEST(Names, ANameSeenTwiceInABucketGoesOutWithItsFirstAndLastSighting) {
  Feeder f;
  f.dns_exchange(20 * kSec);
  f.dns_exchange(10 * kSec + 5000);  // out of order: charged to the open bucket
  f.dns_exchange(30 * kSec);
  ASSERT_TRUE(f.acct.finish());
  std::vector<int64_t> times;
  for (const auto& b : f.sink.batches) {
    for (const auto& n : b.names) {
      if (n.host.to_string() == "192.0.2.80") times.push_back(n.seen_s);
    }
  }
  std::sort(times.begin(), times.end());
  EXPECT_EQ(times, (std::vector<int64_t>{10, 30}));
}

TEST(Classifier, StateIsHandedBackOnceTheAnswerIsKnown) {
  Feeder f;
  f.dns_exchange(10 * kSec);
  EXPECT_EQ(f.acct.live_flows(), 1U);
  EXPECT_EQ(f.acct.flows_in_classification(), 0U);
}

TEST(Classifier, WithoutInspectionTheProtocolIsAGuessByPort) {
  AccountantOptions o;
  o.dpi = false;
  Feeder f(o);
  f.dns_exchange(10 * kSec);
  EXPECT_EQ(f.acct.flows_in_classification(), 0U);
  ASSERT_TRUE(f.acct.finish());
  auto labels = f.labels();
  auto flows = f.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(labels[flows[0].app.app], "DNS");
  EXPECT_TRUE(flows[0].app.guessed);
}

TEST(Classifier, AFlowEndingBeforeAnAnswerGetsAMarkedGuess) {
  Feeder f;
  f.feed(kSec, Frame().ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.2", 6).tcp(50000, 443, 0x02).finish());
  EXPECT_EQ(f.acct.flows_in_classification(), 1U);
  ASSERT_TRUE(f.acct.finish());
  EXPECT_EQ(f.acct.flows_in_classification(), 0U);
  auto labels = f.labels();
  auto flows = f.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(labels[flows[0].app.app], "TLS");
  EXPECT_TRUE(flows[0].app.guessed);
}

// nDPI frees a flow's TCP or UDP buffers by the transport of the last packet it could
// read. Here the TLS buffer the client's first record filled would be lost when the flow's
// state is wiped: the packet after it carries an authentication header, which the decoder
// reads past to the flow's TCP and nDPI 4.2 does not. The suite's leak sanitizer fails
// this test when the buffer is not freed.
TEST(Classifier, AFlowsBuffersAreFreedWhateverTransportNdpiSawLast) {
  Feeder f;
  const char* client = "2001:db8::1";
  const char* server = "2001:db8::2";
  f.feed(kSec, Frame().ethernet(0x86DD).ipv6(client, server, 6).tcp(40000, 443, 0x02).finish());
  f.feed(kSec + 1000, Frame().ethernet(0x86DD).ipv6(server, client, 6).tcp(443, 40000, 0x12).finish());
  // A handshake record announcing 4 KiB, of which this packet carries the start.
  Frame hello;
  hello.ethernet(0x86DD).ipv6(client, server, 6).tcp(40000, 443, 0x18);
  hello.bytes({0x16, 0x03, 0x01, 0x10, 0x00, 0x01, 0x00, 0x0F, 0xFC, 0x03, 0x03}).payload(300, 0x11);
  f.feed(kSec + 2000, hello.finish());
  Frame with_ah;
  with_ah.ethernet(0x86DD).ipv6(client, server, 51);
  with_ah.bytes({6, 2, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 1, 0, 0, 0, 0});  // next: TCP; SPI, sequence, ICV
  with_ah.tcp(40000, 443, 0x18).payload(200, 0x22);
  f.feed(kSec + 3000, with_ah.finish());
  EXPECT_EQ(f.acct.live_flows(), 1U);
  ASSERT_TRUE(f.acct.finish());
  EXPECT_EQ(f.acct.flows_in_classification(), 0U);
  auto flows = f.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(flows[0].packets_c2s, 3U);
  EXPECT_EQ(flows[0].ip_proto, 6);
}

// A closed flow whose time was up before its bucket closed is charged to its hosts with
// its final answer (here nDPI's guess from the port), even when the expiry wheel had not
// looked at its second yet when the bucket closed.
TEST(Classifier, AFlowWhoseTimeWasUpIsChargedWithItsAnswerWhenTheBucketCloses) {
  AccountantOptions o;
  o.dpi_thread = false;
  Feeder f(o);
  auto mqtt = [&](int64_t ts, bool to_server, uint8_t flags) {
    Frame fr;
    if (to_server) {
      fr.ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.9", 6).tcp(40000, 1883, flags);
    } else {
      fr.ethernet(0x0800).ipv4("10.0.0.9", "10.0.0.1", 6).tcp(1883, 40000, flags);
    }
    f.feed(ts, fr.finish());
  };
  auto other = [&](int64_t ts) {
    f.feed(ts, Frame().ethernet(0x0800).ipv4("10.0.5.1", "10.0.5.2", 17).udp(5000, 5001).finish());
  };
  mqtt(30 * kSec, true, 0x10);
  mqtt(30 * kSec + 100'000, false, 0x11);  // FIN
  mqtt(30 * kSec + 200'000, true, 0x11);   // FIN: closed, lingers 5 s
  mqtt(33 * kSec, true, 0x10);             // the last ACK: its time is up at 38 s
  other(36 * kSec);                        // the wheel looks at second 35: not yet, on to 38
  other(38 * kSec + 500'000);              // its time is up; second 38 is still running
  other(61 * kSec);                        // the first minute closes
  ASSERT_TRUE(f.acct.finish());
  auto labels = f.labels();
  uint64_t sent = 0;
  for (const auto& b : f.sink.batches) {
    for (const auto& h : b.hosts) {
      if (h.host.to_string() != "10.0.0.1") continue;
      EXPECT_EQ(labels[h.app], "MQTT") << "bucket " << h.bucket_s;
      sent += h.packets_sent;
    }
  }
  EXPECT_EQ(sent, 3U);
  auto flows = f.sink.flows();
  ASSERT_FALSE(flows.empty());
  EXPECT_EQ(flows[0].end, FlowEnd::kClosed);
  EXPECT_EQ(labels[flows[0].app.app], "MQTT");
}

// nDPI keeps an HTTP Host or TLS SNI as the bytes came. A name is learned only when it is
// printable text, as DNS names are: "\xff...\x1b[2J" is no name, and would reach reports.
TEST(Names, AnHttpHostIsLearnedOnlyWhenItIsPrintableText) {
  Feeder f;
  auto http = [&](int64_t t, const std::string& client, const std::string& host) {
    auto tcp = [&](bool up, uint8_t flags, const std::string& text) {
      Frame fr;
      fr.ethernet(0x0800).ipv4(up ? client : "10.0.0.80", up ? "10.0.0.80" : client, 6);
      fr.tcp(up ? 40000 : 80, up ? 80 : 40000, flags);
      return with(fr, std::vector<uint8_t>(text.begin(), text.end())).finish();
    };
    f.feed(t, tcp(true, 0x02, ""));
    f.feed(t + 100, tcp(false, 0x12, ""));
    f.feed(t + 200, tcp(true, 0x10, ""));
    f.feed(t + 300, tcp(true, 0x18, "GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: t\r\n\r\n"));
    f.feed(t + 400, tcp(false, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  };
  http(kSec, "10.0.0.1", "www.netledger.test");
  http(2 * kSec, "10.0.0.2",
       "\xff"
       "bad\x1b[2J.example");
  ASSERT_TRUE(f.acct.finish());
  std::vector<std::string> learned;
  for (const auto& b : f.sink.batches) {
    for (const auto& n : b.names) learned.push_back(n.name);
  }
  EXPECT_EQ(learned, std::vector<std::string>{"www.netledger.test"});
  auto labels = f.labels();
  for (const auto& r : f.sink.flows()) EXPECT_EQ(labels[r.app.app], "HTTP") << r.client.to_string();
}

TEST(Classifier, UnknownTrafficStaysUnknownAndUnguessed) {
  Feeder f;
  Frame u;
  u.ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.2", 17).udp(40001, 40002).payload(40, 0x5A);
  f.feed(kSec, u.finish());
  ASSERT_TRUE(f.acct.finish());
  auto flows = f.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(flows[0].app.app, kUnknownLabel);
  EXPECT_FALSE(flows[0].app.guessed);
}

// What the batches say, with labels by name, in an order that does not depend on when
// each flow's answer came back.
std::vector<std::string> summary(const Feeder& f) {
  auto labels = f.labels();
  std::vector<std::string> out;
  for (const auto& b : f.sink.batches) {
    for (const auto& r : b.flows) {
      out.push_back("flow " + r.client.to_string() + ":" + std::to_string(r.client_port) + " " +
                    r.server.to_string() + ":" + std::to_string(r.server_port) + " " +
                    std::to_string(r.first_us) + " " + std::to_string(r.packets_c2s) + "/" +
                    std::to_string(r.packets_s2c) + " " + labels[r.app.ndpi] + " " + labels[r.app.app] +
                    (r.app.guessed ? " guessed" : "") + " end " + std::to_string(static_cast<int>(r.end)));
    }
    for (const auto& h : b.hosts) {
      out.push_back("host " + std::to_string(h.bucket_s) + " " + h.host.to_string() + " " +
                    std::to_string(h.ip_proto) + " " + labels[h.app] + " " + std::to_string(h.packets_sent) +
                    " " + std::to_string(h.bytes_received) + " " + std::to_string(h.flows));
    }
    for (const auto& n : b.names) out.push_back("name " + n.host.to_string() + " " + n.name);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());  // a name may go out in either of two batches
  return out;
}

// Many flows over three minutes, through a small table: flows end before their answers
// (evicted, idle, cut by the active timeout, or still open at the end), DNS is answered
// at its second packet, TLS-bound connections stay unanswered, other UDP stays unknown.
void busy_traffic(Feeder& f) {
  for (int i = 0; i < 3000; ++i) {
    const int64_t t = kSec + int64_t{i} * 60'000;  // 3000 flows over 180 s
    const std::string client = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    const auto port = static_cast<uint16_t>(20000 + i);
    switch (i % 3) {
      case 0: {
        Frame q;
        q.ethernet(0x0800).ipv4(client, "10.0.0.53", 17).udp(port, 53);
        f.feed(t, with(q, dns_query()).finish());
        Frame a;
        a.ethernet(0x0800).ipv4("10.0.0.53", client, 17).udp(53, port);
        f.feed(t + 500, with(a, dns_answer()).finish());
        break;
      }
      case 1:
        for (int k = 0; k < 4; ++k) {
          f.feed(t + k * 1000, Frame()
                                   .ethernet(0x0800)
                                   .ipv4(client, "10.0.0.80", 6)
                                   .tcp(port, 443, k == 0 ? 0x02 : 0x10)
                                   .payload(k == 0 ? 0 : 30, 0x17)
                                   .finish());
        }
        break;
      default:
        for (int k = 0; k < 3; ++k) {
          f.feed(t + k * 2000, Frame()
                                   .ethernet(0x0800)
                                   .ipv4(client, "10.0.0.9", 17)
                                   .udp(port, 40000)
                                   .payload(64, 0x5A)
                                   .finish());
        }
    }
    // One long flow, a packet every two seconds: cut by the active timeout.
    if (i % 33 == 0) {
      f.feed(t + 700,
             Frame().ethernet(0x0800).ipv4("10.0.0.7", "10.0.0.8", 17).udp(5000, 5001).payload(20).finish());
    }
  }
  ASSERT_TRUE(f.acct.finish());
}

TEST(Classifier, InspectionOnItsOwnThreadGivesWhatInlineInspectionGives) {
  AccountantOptions o;
  o.max_flows = 40;  // about 85 would be live at once: some are evicted
  o.idle_timeout_s = 5;
  o.active_timeout_s = 30;
  o.flows_per_batch = 256;
  o.dpi_thread = false;
  Feeder inline_feeder(o);
  busy_traffic(inline_feeder);
  o.dpi_thread = true;
  Feeder threaded(o);
  busy_traffic(threaded);
  const auto a = summary(inline_feeder);
  const auto b = summary(threaded);
  EXPECT_GT(threaded.acct.flows_evicted(), 0U);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) {
      ADD_FAILURE() << "first difference: inline \"" << a[i] << "\", threaded \"" << b[i] << "\"";
      break;
    }
  }
  // Every flow was classified: DNS by inspection, the rest guessed or unknown.
  size_t dns = std::count_if(b.begin(), b.end(), [](const std::string& l) {
    return l.rfind("flow ", 0) == 0 && l.find(" DNS DNS end") != std::string::npos;
  });
  EXPECT_EQ(dns, 1000U);
  EXPECT_EQ(threaded.acct.flows_in_classification(), 0U);
}

TEST(Classifier, ArpTiesAMacToItsSender) {
  Feeder f;
  Frame arp;
  arp.ethernet(0x0806).bytes({0, 1, 8, 0, 6, 4, 0, 2, 0x00, 0x22, 0x72, 1, 2, 3, 10, 0, 0, 9});
  arp.bytes({0, 0, 0, 0, 0, 0, 10, 0, 0, 1});
  f.feed(kSec, arp.finish());
  ASSERT_TRUE(f.acct.finish());
  std::vector<HostMac> macs;
  for (const auto& b : f.sink.batches) macs.insert(macs.end(), b.macs.begin(), b.macs.end());
  ASSERT_EQ(macs.size(), 1U);
  EXPECT_EQ(macs[0].host.to_string(), "10.0.0.9");
  EXPECT_EQ(macs[0].mac[1], 0x22);
}

TEST(Classifier, NeighborAdvertisementTiesTheTargetToItsMac) {
  Decoder dec;
  Frame na;
  na.ethernet(0x86DD).ipv6("fe80::1", "ff02::1", 58);
  na.bytes({136, 0, 0, 0, 0x20, 0, 0, 0});  // type, code, checksum, flags
  na.bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
  na.bytes({2, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
  auto frame = na.finish();
  DecodedPacket p;
  ASSERT_EQ(dec.decode(link::kEthernet, frame.data(), static_cast<uint32_t>(frame.size()), 0, p),
            Verdict::kIp);
  ASSERT_TRUE(p.has_neighbor);
  EXPECT_EQ(p.neighbor.ip.to_string(), "2001:db8::7");
  EXPECT_EQ(p.neighbor.mac[5], 0xff);
}

TEST(Classifier, TheClassifierIsGivenOnlyCapturedBytes) {
  Decoder dec;
  auto frame =
      Frame().ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.2", 6).tcp(1, 2, 0x18).payload(1000).finish();
  DecodedPacket p;
  // Captured 100 bytes of a 1054-byte frame: the datagram seen is what is there.
  ASSERT_EQ(dec.decode(link::kEthernet, frame.data(), 100, 0, p), Verdict::kIp);
  EXPECT_EQ(p.ip[0].l3_len, 100U - 14U);
  EXPECT_EQ(p.ip[0].l3, frame.data() + 14);
}

}  // namespace netledger::capture
