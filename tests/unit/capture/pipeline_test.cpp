// The pipeline's clock: packets stamped far from the ones around them.
#include "netledger/capture/pipeline.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/memory_sink.hpp"
#include "support/packet_builder.hpp"
#include "support/pcap_file.hpp"
#include "support/pcapng_file.hpp"
#include "support/temp_dir.hpp"

namespace netledger::capture {

namespace {

constexpr int64_t kT0 = 1'700'000'040;  // a minute's start
constexpr int64_t kSec = 1'000'000;

// One UDP packet from 10.0.0.1 to 10.0.0.2.
std::vector<uint8_t> udp_frame() {
  return test::Frame().ethernet(0x0800).ipv4("10.0.0.1", "10.0.0.2", 17).udp(1000, 53).payload(20).finish();
}

// A pcap file of that packet at each of `seconds`, with `cut` bytes taken off the end.
std::string write_pcap(const test::TempDir& dir, const std::vector<int64_t>& seconds, size_t cut = 0) {
  std::vector<test::StampedFrame> frames;
  for (int64_t s : seconds) frames.push_back({s * kSec, udp_frame()});
  return test::write_pcap(dir.file("t.pcap"), frames, cut);
}

// A pcapng file of that packet at each of `seconds`, stamped in whole seconds (if_tsresol
// 10^0), as a file can hold stamps a microsecond pcap cannot.
std::string write_pcapng(const test::TempDir& dir, const std::vector<uint64_t>& seconds) {
  test::Pcapng f;
  f.section();
  f.interface(1, 262144, {test::tsresol(0)});  // Ethernet
  for (uint64_t s : seconds) f.epb(0, s, udp_frame());
  return test::write_file(dir.file("t.pcapng"), f.bytes);
}

struct Replayed {
  std::map<int64_t, uint64_t> sent;  // bucket -> packets 10.0.0.1 sent
  std::vector<FlowRecord> flows;
  std::map<std::string, uint64_t> anomalies;
  CaptureStats stats;
  FeedEnd end = FeedEnd::kComplete;
};

Replayed replay_file(const std::string& path) {
  auto src = PacketSource::open_file(path);
  EXPECT_TRUE(src.ok());
  test::MemorySink sink;
  AccountantOptions o;
  o.dpi = false;
  o.dpi_thread = false;
  Pipeline p(sink, o, "replay", "t.pcap");
  EXPECT_TRUE(p.begin().ok());
  Replayed r;
  r.end = p.feed(**src);
  EXPECT_TRUE(p.finish("complete").ok());
  for (const auto& b : sink.batches) {
    for (const HostBucket& h : b.hosts) {
      if (h.host.to_string() == "10.0.0.1") r.sent[h.bucket_s] += h.packets_sent;
    }
    r.flows.insert(r.flows.end(), b.flows.begin(), b.flows.end());
  }
  for (const auto& [name, n] : sink.last_stats.anomalies) r.anomalies[name] = n;
  r.stats = sink.last_stats;
  return r;
}

Replayed replay(const std::vector<int64_t>& seconds, size_t cut = 0) {
  test::TempDir dir;
  return replay_file(write_pcap(dir, seconds, cut));
}

}  // namespace

// One packet stamped decades ahead, between packets ten seconds apart: it is counted at the
// clock's time, and the packets after it in their own minutes, in the one flow they are.
TEST(PipelineClock, OneStampFarAheadIsCountedAtTheClocksTime) {
  std::vector<int64_t> t;
  for (int i = 0; i < 6; ++i) t.push_back(kT0 + i * 10);
  t.push_back(4'000'000'000);
  for (int i = 6; i < 12; ++i) t.push_back(kT0 + i * 10);
  Replayed r = replay(t);
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0, 7}, {kT0 + 60, 6}}));
  ASSERT_EQ(r.flows.size(), 1U);
  EXPECT_EQ(r.flows[0].packets_c2s, 13U);
  EXPECT_EQ(r.flows[0].last_us, (kT0 + 110) * kSec);
  EXPECT_EQ(r.anomalies, (std::map<std::string, uint64_t>{{"time_outlier", 1}}));
  EXPECT_EQ(r.stats.last_packet_us, 4'000'000'000 * kSec);  // the run says what the file holds
}

// One packet stamped far behind (a clock never set: time 0) is counted at the clock's time.
TEST(PipelineClock, OneStampFarBehindIsCountedAtTheClocksTime) {
  Replayed r = replay({kT0, kT0 + 10, 0, kT0 + 20, kT0 + 70});
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0, 4}, {kT0 + 60, 1}}));
  ASSERT_EQ(r.flows.size(), 1U);
  EXPECT_EQ(r.flows[0].first_us, kT0 * kSec);
  EXPECT_EQ(r.anomalies, (std::map<std::string, uint64_t>{{"time_outlier", 1}}));
  EXPECT_EQ(r.stats.first_packet_us, 0);
}

// The capturing clock set back two hours: the packets after the step are charged to their
// own minutes, not piled into the minute open before it; the flow live then ends there.
TEST(PipelineClock, AClockSetBackRestartsTheClock) {
  std::vector<int64_t> t;
  for (int i = 0; i < 9; ++i) t.push_back(kT0 + i * 10);
  for (int i = 0; i < 9; ++i) t.push_back(kT0 - 7200 + i * 10);
  Replayed r = replay(t);
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0 - 7200, 6}, {kT0 - 7140, 3}, {kT0, 6}, {kT0 + 60, 3}}));
  ASSERT_EQ(r.flows.size(), 2U);
  EXPECT_EQ(r.flows[0].first_us, kT0 * kSec);
  EXPECT_EQ(r.flows[0].last_us, (kT0 + 80) * kSec);
  EXPECT_EQ(r.flows[0].end, FlowEnd::kEndOfCapture);
  EXPECT_EQ(r.flows[1].first_us, (kT0 - 7200) * kSec);
  EXPECT_EQ(r.flows[1].packets_c2s, 9U);
  EXPECT_EQ(r.anomalies, (std::map<std::string, uint64_t>{{"clock_stepped_back", 1}}));
}

// A quiet spell of an hour is a jump that the next packet goes on from: no anomaly, and
// the last packet of a file after a jump keeps its own time too.
TEST(PipelineClock, AQuietSpellKeepsItsTimes) {
  Replayed r = replay({kT0, kT0 + 3600, kT0 + 3610, kT0 + 7200});
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0, 1}, {kT0 + 3600, 2}, {kT0 + 7200, 1}}));
  EXPECT_EQ(r.flows.size(), 3U);
  EXPECT_TRUE(r.anomalies.empty());
}

// A file cut inside the record after a jump keeps the packet that jumped.
TEST(PipelineClock, ACutAfterAJumpKeepsThePacketBeforeIt) {
  Replayed r = replay({kT0, kT0 + 3600, kT0 + 3601}, 5);
  EXPECT_EQ(r.end, FeedEnd::kTruncated);
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0, 1}, {kT0 + 3600, 1}}));
  EXPECT_EQ(r.stats.packets_read, 2U);
}

// A stamp past the year 9999 (10^12 whole seconds) is held to the end of the range the
// clock takes and, alone among its neighbours, counted at the clock's time.
TEST(PipelineClock, AStampPastTheYear9999IsHeldToTheRange) {
  test::TempDir dir;
  const auto t0 = static_cast<uint64_t>(kT0);
  Replayed r = replay_file(write_pcapng(dir, {t0, t0 + 10, 1'000'000'000'000, t0 + 20, t0 + 70}));
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{kT0, 4}, {kT0 + 60, 1}}));
  EXPECT_EQ(r.anomalies, (std::map<std::string, uint64_t>{{"time_out_of_range", 1}, {"time_outlier", 1}}));
  EXPECT_EQ(r.stats.last_packet_us, 1'000'000'000'000 * kSec);  // the run says what the file holds
}

// Stamps at both ends of 64 bits: 9 * 10^12 seconds, and a count of seconds whose
// microseconds wrap round to about -9 * 10^18, as libpcap reads them too. Each is held to
// its end of the range (the last minute of 9999, the first of year 1), the second then
// reads as a clock set back, and every packet is counted, with no overflow on the way
// (the suite runs under UBSan, which stops at one).
TEST(PipelineClock, StampsAtTheEndsOf64BitsAreCountedWithinTheRange) {
  test::TempDir dir;
  const auto t0 = static_cast<uint64_t>(kT0);
  Replayed r = replay_file(write_pcapng(dir, {9'000'000'000'000, 9'446'744'073'709, t0, t0 + 10}));
  EXPECT_EQ(r.sent, (std::map<int64_t, uint64_t>{{-62'135'596'800, 1}, {kT0, 2}, {253'402'300'740, 1}}));
  EXPECT_EQ(r.anomalies,
            (std::map<std::string, uint64_t>{{"clock_stepped_back", 1}, {"time_out_of_range", 2}}));
}

}  // namespace netledger::capture
