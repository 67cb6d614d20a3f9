#include "netledger/capture/accountant.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "netledger/capture/decoder.hpp"
#include "support/memory_sink.hpp"
#include "support/packet_builder.hpp"

namespace netledger::capture {

using test::Frame;
using test::MemorySink;

namespace {

constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kRst = 0x04;
constexpr int64_t kSec = 1'000'000;

class Feeder {
 public:
  explicit Feeder(AccountantOptions o = {}) : acct(o, sink) {}
  void tcp(int64_t ts_us, const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t flags,
           size_t payload = 0) {
    feed(ts_us,
         Frame().ethernet(0x0800).ipv4(src, dst, 6).tcp(sport, dport, flags).payload(payload).finish());
  }
  void feed(int64_t ts_us, const std::vector<uint8_t>& f) {
    DecodedPacket p;
    ASSERT_EQ(dec.decode(link::kEthernet, f.data(), static_cast<uint32_t>(f.size()), ts_us, p), Verdict::kIp);
    acct.add(ts_us, static_cast<uint32_t>(f.size()), p);
  }
  MemorySink sink;
  Decoder dec;
  Accountant acct;
};

}  // namespace

TEST(Accountant, ChargesSenderAndReceiverWithWireBytes) {
  Feeder t;
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kSyn);              // 54 bytes
  t.tcp(1 * kSec + 10, "10.0.0.2", 80, "10.0.0.1", 5000, kSyn | kAck);  // 54
  t.tcp(1 * kSec + 20, "10.0.0.1", 5000, "10.0.0.2", 80, kAck, 100);    // 154
  ASSERT_TRUE(t.acct.finish());
  auto hosts = t.sink.hosts();
  EXPECT_EQ(hosts["10.0.0.1"].packets_sent, 2U);
  EXPECT_EQ(hosts["10.0.0.1"].bytes_sent, 54U + 154U);
  EXPECT_EQ(hosts["10.0.0.1"].packets_received, 1U);
  EXPECT_EQ(hosts["10.0.0.2"].bytes_received, 54U + 154U);
  EXPECT_EQ(hosts["10.0.0.1"].flows, 1U);
  EXPECT_EQ(hosts["10.0.0.2"].flows, 1U);
}

TEST(Accountant, HostTalkingToItselfIsChargedBothWays) {
  Feeder t;
  t.tcp(1 * kSec, "127.0.0.1", 5000, "127.0.0.1", 80, kSyn);
  ASSERT_TRUE(t.acct.finish());
  auto hosts = t.sink.hosts();
  ASSERT_EQ(hosts.size(), 1U);
  EXPECT_EQ(hosts["127.0.0.1"].packets_sent, 1U);
  EXPECT_EQ(hosts["127.0.0.1"].packets_received, 1U);
  EXPECT_EQ(hosts["127.0.0.1"].flows, 1U);
}

TEST(Accountant, ClientIsTheSynSenderEvenWhenTheSynAckIsSeenFirst) {
  Feeder t;
  t.tcp(1 * kSec, "10.0.0.2", 80, "10.0.0.1", 5000, kSyn | kAck);
  t.tcp(1 * kSec + 5, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 1U);
  EXPECT_EQ(flows[0].client.to_string(), "10.0.0.1");
  EXPECT_EQ(flows[0].server_port, 80);
  EXPECT_EQ(flows[0].packets_c2s, 1U);
  EXPECT_EQ(flows[0].packets_s2c, 1U);
}

TEST(Accountant, FinFromBothSidesClosesTheFlow) {
  Feeder t;
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kSyn);
  t.tcp(2 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kFin | kAck);
  t.tcp(2 * kSec, "10.0.0.2", 80, "10.0.0.1", 5000, kFin | kAck);
  t.tcp(30 * kSec, "10.0.0.3", 1, "10.0.0.4", 2, kSyn);  // moves the clock past the linger
  ASSERT_EQ(t.acct.live_flows(), 1U);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 2U);
  EXPECT_EQ(flows[0].end, FlowEnd::kClosed);
  EXPECT_EQ(flows[0].packets_c2s, 2U);
}

TEST(Accountant, RstClosesAndANewSynStartsAFreshFlow) {
  Feeder t;
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kSyn);
  t.tcp(1 * kSec + 1, "10.0.0.2", 80, "10.0.0.1", 5000, kRst);
  t.tcp(2 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kSyn);
  ASSERT_TRUE(t.acct.finish());
  EXPECT_EQ(t.sink.flows().size(), 2U);
  EXPECT_EQ(t.acct.flows_seen(), 2U);
}

TEST(Accountant, TimesBefore1970AreBucketedLikeAnyOther) {
  Feeder t;
  t.tcp(-90 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kSyn);
  t.tcp(-30 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  ASSERT_TRUE(t.acct.finish());
  EXPECT_EQ(t.sink.host_buckets(), (std::vector<int64_t>{-120, -120, -60, -60}));  // both hosts in each
  EXPECT_EQ(t.sink.hosts()["10.0.0.1"].packets_sent, 2U);
}

TEST(Accountant, IdleFlowsExpireOnPacketTime) {
  AccountantOptions o;
  o.idle_timeout_s = 10;
  Feeder t(o);
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(5 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);
  EXPECT_EQ(t.acct.live_flows(), 2U);
  t.tcp(12 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);
  EXPECT_EQ(t.acct.live_flows(), 1U);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 2U);
  EXPECT_EQ(flows[0].end, FlowEnd::kIdle);
  EXPECT_EQ(flows[1].end, FlowEnd::kEndOfCapture);
}

// Packets stamped before the clock by an idle timeout or more happen at the clock's
// time: a connection stays one flow, not one flow a packet that is over as soon as it
// starts. One a little behind (interfaces out of step) keeps its own time. Both are
// charged to the open minute. (A pipeline restarts the clock instead when the packets
// after such a one are behind too: see pipeline_test.cpp.)
TEST(Accountant, PacketsStampedFarBeforeTheClockHappenAtTheClocksTime) {
  AccountantOptions o;
  o.idle_timeout_s = 10;
  Feeder t(o);
  t.tcp(3600 * kSec, "10.0.0.9", 1, "10.0.0.8", 2, kAck);
  for (int i = 0; i < 5; ++i) t.tcp((60 + i) * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck, 10);
  t.tcp(3592 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);
  EXPECT_EQ(t.acct.live_flows(), 3U);
  ASSERT_TRUE(t.acct.finish());
  std::map<std::string, std::vector<FlowRecord>> by_client;
  for (const FlowRecord& f : t.sink.flows()) by_client[f.client.to_string()].push_back(f);
  const auto& stepped = by_client["10.0.0.1"];
  ASSERT_EQ(stepped.size(), 1U);
  EXPECT_EQ(stepped[0].packets_c2s, 5U);
  EXPECT_EQ(stepped[0].first_us, 3600 * kSec);
  EXPECT_EQ(stepped[0].last_us, 3600 * kSec);
  EXPECT_EQ(stepped[0].end, FlowEnd::kEndOfCapture);
  ASSERT_EQ(by_client["10.0.0.3"].size(), 1U);
  EXPECT_EQ(by_client["10.0.0.3"][0].first_us, 3592 * kSec);
  for (const auto& b : t.sink.batches) {
    for (const HostBucket& h : b.hosts) EXPECT_EQ(h.bucket_s, 3600) << h.host.to_string();
  }
  EXPECT_EQ(t.sink.hosts()["10.0.0.1"].packets_sent, 5U);
}

// A packet does not move its flow in the expiry wheel; a flow that saw packets after it
// was put there still lives its full idle time after its last packet, and no longer.
TEST(Accountant, AFlowExpiresItsIdleTimeAfterItsLastPacketWhereverTheWheelHasIt) {
  AccountantOptions o;
  o.idle_timeout_s = 10;
  Feeder t(o);
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(8 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);  // its time is up at 18 s
  t.tcp(12 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);
  EXPECT_EQ(t.acct.live_flows(), 2U);
  t.tcp(17 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);
  EXPECT_EQ(t.acct.live_flows(), 2U);
  // A packet of the flow after its time starts a new flow (second 18 still runs: the
  // wheel has not looked at it).
  t.tcp(18 * kSec + 500'000, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 3U);
  EXPECT_EQ(flows[0].end, FlowEnd::kIdle);
  EXPECT_EQ(flows[0].packets_c2s, 2U);
  EXPECT_EQ(flows[0].last_us, 8 * kSec);
  EXPECT_EQ(t.acct.flows_seen(), 3U);
}

// A flow whose time was up when the capture ended ended idle, not with the capture.
TEST(Accountant, AFlowIdleAtTheEndOfTheCaptureEndsIdle) {
  AccountantOptions o;
  o.idle_timeout_s = 10;
  Feeder t(o);
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(8 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(12 * kSec, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);  // the wheel moves the first flow on to 18 s
  t.tcp(18 * kSec + 500'000, "10.0.0.3", 5000, "10.0.0.4", 80, kAck);  // its time is up; 18 s still runs
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 2U);
  for (const FlowRecord& f : flows) {
    EXPECT_EQ(f.end, f.client.to_string() == "10.0.0.1" ? FlowEnd::kIdle : FlowEnd::kEndOfCapture);
  }
}

TEST(Accountant, TheCapEvictsTheIdlestFlowAndCountsIt) {
  AccountantOptions o;
  o.max_flows = 2;
  Feeder t(o);
  t.tcp(1 * kSec, "10.0.0.1", 1, "10.0.0.2", 80, kAck);
  t.tcp(2 * kSec, "10.0.0.1", 2, "10.0.0.2", 80, kAck);
  t.tcp(3 * kSec, "10.0.0.1", 1, "10.0.0.2", 80, kAck);  // flow 1 is now the most recent
  t.tcp(4 * kSec, "10.0.0.1", 3, "10.0.0.2", 80, kAck);  // evicts flow 2
  EXPECT_EQ(t.acct.flows_evicted(), 1U);
  EXPECT_EQ(t.acct.live_flows(), 2U);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_FALSE(flows.empty());
  EXPECT_EQ(flows[0].end, FlowEnd::kEvicted);
  EXPECT_EQ(flows[0].client_port, 2);
  // Evictions lose no bytes: hosts still see all four packets.
  EXPECT_EQ(t.sink.hosts()["10.0.0.1"].packets_sent, 4U);
}

TEST(Accountant, PacketsAreChargedToTheMinuteTheyFallIn) {
  Feeder t;
  t.tcp(59 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(61 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(61 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  ASSERT_TRUE(t.acct.finish());
  int64_t first = 0;
  int64_t second = 0;
  for (const auto& b : t.sink.batches) {
    for (const auto& h : b.hosts) {
      if (h.host.to_string() != "10.0.0.1") continue;
      if (h.bucket_s == 0) first += static_cast<int64_t>(h.packets_sent);
      if (h.bucket_s == 60) second += static_cast<int64_t>(h.packets_sent);
    }
  }
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
}

TEST(Accountant, ManyHostsInOneMinuteAreEachChargedExactly) {
  // More hosts than the per-bucket table starts with: it grows while flows are charged,
  // and again in the next minute after it was emptied.
  Feeder t;
  constexpr int kHosts = 6000;
  for (int minute = 0; minute < 2; ++minute) {
    for (int i = 0; i < kHosts; ++i) {
      const std::string src = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
      t.tcp((minute * 60 + 1) * kSec + i, src.c_str(), 5000, "10.0.0.2", 80, kAck,
            static_cast<size_t>(i % 7));
    }
  }
  ASSERT_TRUE(t.acct.finish());
  auto hosts = t.sink.hosts();
  ASSERT_EQ(hosts.size(), static_cast<size_t>(kHosts + 1));
  uint64_t server_received = 0;
  for (int i = 0; i < kHosts; ++i) {
    const std::string src = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    const uint64_t frame = 54U + static_cast<uint64_t>(i % 7);
    EXPECT_EQ(hosts[src].packets_sent, 2U) << src;
    EXPECT_EQ(hosts[src].bytes_sent, 2 * frame) << src;
    server_received += 2 * frame;
  }
  EXPECT_EQ(hosts["10.0.0.2"].bytes_received, server_received);
  EXPECT_EQ(hosts["10.0.0.2"].packets_received, 2U * kHosts);
}

TEST(SeenSet, KeepsEachFingerprintsNumberUntilCleared) {
  SeenSet seen;
  for (uint32_t i = 0; i < 5000; ++i) EXPECT_TRUE(seen.insert(i * 0x9E3779B97F4A7C15ULL, i).second);
  for (uint32_t i = 0; i < 5000; ++i) {
    auto [number, added] = seen.insert(i * 0x9E3779B97F4A7C15ULL, 99999);
    EXPECT_FALSE(added);
    EXPECT_EQ(*number, i);
  }
  *seen.insert(3 * 0x9E3779B97F4A7C15ULL, 0).first = 42;  // the caller may change it
  EXPECT_EQ(*seen.insert(3 * 0x9E3779B97F4A7C15ULL, 0).first, 42U);
  seen.clear();
  EXPECT_TRUE(seen.insert(0, 1).second);
  EXPECT_TRUE(seen.insert(7 * 0x9E3779B97F4A7C15ULL, 2).second);
}

TEST(Accountant, ActiveTimeoutSplitsALongFlowWithoutCountingItTwice) {
  AccountantOptions o;
  o.active_timeout_s = 100;
  o.idle_timeout_s = 1000;
  Feeder t(o);
  for (int s = 0; s <= 250; s += 50) t.tcp(s * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  ASSERT_TRUE(t.acct.finish());
  auto flows = t.sink.flows();
  ASSERT_EQ(flows.size(), 3U);
  EXPECT_EQ(flows[0].end, FlowEnd::kActive);
  EXPECT_EQ(t.acct.flows_seen(), 1U);  // one flow in three records, as the host counts say
  EXPECT_EQ(t.sink.hosts()["10.0.0.1"].flows, 1U);
  EXPECT_EQ(t.sink.hosts()["10.0.0.1"].packets_sent, 6U);
}

TEST(Accountant, ASinkFailureStopsTheFeedAndIsReported) {
  Feeder t;
  t.sink.fail = true;
  t.tcp(1 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  t.tcp(70 * kSec, "10.0.0.1", 5000, "10.0.0.2", 80, kAck);
  EXPECT_FALSE(t.acct.status().ok());
  EXPECT_EQ(t.acct.status().error().message, "disk full");
}

TEST(FlowTable, EraseKeepsCollidingEntriesReachable) {
  FlowTable table(100, 64);
  // Keys whose hashes share their low 16 bits: all start their probe in one slot of an
  // index of up to 65,536 slots, so every entry collides with every other.
  std::vector<FlowKey> keys;
  for (uint32_t n = 0; keys.size() < 60; ++n) {
    FlowKey k;
    k.lo_port = static_cast<uint16_t>(n);
    k.hi_port = static_cast<uint16_t>(n >> 16);
    if ((k.hash() & 0xFFFF) == 0x2A) keys.push_back(k);
  }
  for (const FlowKey& k : keys) table.insert(k, k.hash(), 0);
  for (size_t i = 0; i < keys.size(); i += 2) table.erase(table.find(keys[i], keys[i].hash()));
  for (size_t i = 0; i < keys.size(); ++i) {
    bool present = table.find(keys[i], keys[i].hash()) != kNoFlow;
    EXPECT_EQ(present, i % 2 == 1) << i;
  }
  EXPECT_EQ(table.size(), 30U);
}

}  // namespace netledger::capture
