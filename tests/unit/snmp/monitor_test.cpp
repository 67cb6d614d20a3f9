// The rules of SNMP-RULES.md on made-up samples: each fires when its condition holds
// and stays quiet otherwise; wraps, reboots and discontinuities make no spikes.
#include "netledger/snmp/monitor.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "netledger/core/time_format.hpp"

namespace netledger::snmp {

namespace {

constexpr int64_t kInterval = 300;

IfRow port(uint64_t in, uint64_t out, uint64_t speed_mbps = 1000) {
  IfRow r;
  r.if_index = 1;
  r.name = "Gi0/1";
  r.descr = "GigabitEthernet0/1";
  r.type = 6;
  r.admin_status = 1;
  r.oper_status = 1;
  r.high_speed = speed_mbps;
  r.hc_in_octets = in;
  r.hc_out_octets = out;
  r.in_octets = in & 0xFFFFFFFF;
  r.out_octets = out & 0xFFFFFFFF;
  r.hc_in_ucast = 1000;
  r.hc_out_ucast = 1000;
  r.in_errors = 0;
  r.out_errors = 0;
  r.in_discards = 0;
  r.out_discards = 0;
  return r;
}

// Feeds polls one interval apart and keeps the memory between them.
class Device {
 public:
  Device() { target.name = "sw1"; }
  DeviceCycle poll(const IfRow& r, uint64_t uptime_s_or_zero = 0) {
    ++n;
    DevicePoll p;
    p.device = "sw1";
    p.reachable = true;
    p.polled_s = 1'700'000'000 + n * kInterval;
    p.mono_ms = n * kInterval * 1000;
    p.info.sys_uptime =
        (uptime_s_or_zero != 0 ? uptime_s_or_zero : 100000 + static_cast<uint64_t>(n) * kInterval) * 100;
    p.interfaces[r.if_index] = r;
    return keep(evaluate(target, p, memory));
  }
  DeviceCycle unreachable() {
    ++n;
    DevicePoll p;
    p.device = "sw1";
    p.reachable = false;
    p.error = "timeout";
    p.polled_s = 1'700'000'000 + n * kInterval;
    p.mono_ms = n * kInterval * 1000;
    return keep(evaluate(target, p, memory));
  }
  DeviceCycle keep(DeviceCycle c) {
    memory.device = c.device_memory;
    memory.ports = c.memory;
    return c;
  }
  Target target;
  Memory memory;
  int64_t n = 0;
};

const Finding* find(const DeviceCycle& c, const std::string& rule) {
  auto it =
      std::find_if(c.findings.begin(), c.findings.end(), [&](const Finding& f) { return f.rule == rule; });
  return it == c.findings.end() ? nullptr : &*it;
}
bool open(const DeviceCycle& c, const std::string& rule) {
  const Finding* f = find(c, rule);
  return f != nullptr && !f->cleared;
}

// Octets for a rate of `bps` over one interval.
uint64_t octets(double bps) {
  return static_cast<uint64_t>(bps * kInterval / 8);
}

// A 100 Mb/s full-duplex port with no FCS, alignment or collision errors counted yet.
IfRow clean_full_duplex_port() {
  IfRow r = port(0, 0, 100);
  r.duplex = 3;
  r.fcs_errors = 0;
  r.alignment_errors = 0;
  r.single_collisions = 0;
  return r;
}

}  // namespace

TEST(Monitor, RatesComeFromTwoValidSamplesOfThe64BitCounters) {
  Device d;
  EXPECT_TRUE(d.poll(port(1'000'000, 5'000'000)).rates.empty());  // one sample: no rate
  auto c = d.poll(port(1'000'000 + octets(2e6), 5'000'000 + octets(1e6)));
  ASSERT_EQ(c.rates.size(), 1U);
  EXPECT_NEAR(c.rates[0].in_bps, 2e6, 1);
  EXPECT_NEAR(c.rates[0].out_bps, 1e6, 1);
  EXPECT_EQ(c.rates[0].width, 64);
  EXPECT_NEAR(c.rates[0].utilisation, 0.002, 1e-6);
}

TEST(Monitor, A32BitWrapIsOneWrapExactly) {
  Device d;
  IfRow a = port(0, 0);
  a.hc_in_octets.reset();
  a.hc_out_octets.reset();
  a.in_octets = 4294967000ULL;
  a.out_octets = 100;
  d.poll(a);
  IfRow b = a;
  b.in_octets = 704;  // 296 + 704 = 1000 octets past the wrap
  b.out_octets = 100 + 1000;
  auto c = d.poll(b);
  ASSERT_EQ(c.rates.size(), 1U);
  EXPECT_NEAR(c.rates[0].in_bps, 1000.0 * 8 / kInterval, 1e-9);
  EXPECT_EQ(c.rates[0].width, 32);
}

TEST(Monitor, AWrapFasterThanTheLinkIsDroppedNotASpike) {
  Device d;
  IfRow a = port(0, 0, 1);  // 1 Mb/s: 300 s carry at most ~39 MB
  a.hc_in_octets.reset();
  a.hc_out_octets.reset();
  a.in_octets = 100'000'000;
  a.out_octets = 0;
  d.poll(a);
  IfRow b = a;
  b.in_octets = 50'000'000;  // a "wrap" would mean ~4.2 GB in 300 s
  auto c = d.poll(b);
  EXPECT_TRUE(c.rates.empty());
  EXPECT_FALSE(open(c, "UT1"));
}

TEST(Monitor, ARebootDropsDeltasAndSaysSo) {
  Device d;
  d.poll(port(900'000'000'000ULL, 900'000'000'000ULL), 500000);
  d.poll(port(900'000'100'000ULL, 900'000'100'000ULL), 500300);
  auto c = d.poll(port(1000, 1000), 60);  // uptime went back: the agent restarted
  EXPECT_TRUE(c.rates.empty());
  EXPECT_TRUE(open(c, "DV1"));
  EXPECT_EQ(find(c, "DV1")->severity, Severity::kInfo);
  auto next = d.poll(port(1000 + octets(1e6), 1000), 60 + kInterval);
  EXPECT_EQ(next.rates.size(), 1U);  // counting resumes from the new baseline
  ASSERT_NE(find(next, "DV1"), nullptr);
  EXPECT_TRUE(find(next, "DV1")->cleared);
}

TEST(Monitor, ACounter64GoingBackIsADiscontinuityNotARate) {
  Device d;
  d.poll(port(5'000'000, 5'000'000));
  auto c = d.poll(port(1000, 5'000'000 + 10));
  EXPECT_TRUE(c.rates.empty());
  EXPECT_TRUE(open(c, "CT2"));
}

TEST(Monitor, DiscontinuityTimeDropsThatInterval) {
  Device d;
  IfRow a = port(1000, 1000);
  a.discontinuity = 5;
  d.poll(a);
  IfRow b = port(1000 + octets(1e6), 1000);
  b.discontinuity = 9;
  auto c = d.poll(b);
  EXPECT_TRUE(c.rates.empty());
  EXPECT_TRUE(open(c, "CT2"));
}

TEST(Monitor, AnIntervalFarFromTheConfiguredOneIsNotUsed) {
  Device d;
  d.poll(port(1000, 1000));
  d.n += 3;  // four intervals later: outside 0.5x..3x
  auto c = d.poll(port(1000 + octets(1e6), 1000));
  EXPECT_TRUE(c.rates.empty());
}

TEST(Monitor, UtilisationNeedsTwoSamplesWarnsAt80CritAt90AndClearsBelow77) {
  Device d;
  uint64_t in = 0;
  auto step = [&](double util) {
    in += octets(util * 1e9);
    return d.poll(port(in, 0));
  };
  step(0);
  EXPECT_FALSE(open(step(0.50), "UT1"));
  EXPECT_FALSE(open(step(0.85), "UT1"));  // one sample is not enough
  auto c = step(0.85);
  ASSERT_TRUE(open(c, "UT1"));
  EXPECT_EQ(find(c, "UT1")->severity, Severity::kWarn);
  c = step(0.95);
  EXPECT_EQ(find(c, "UT1")->severity, Severity::kCrit);
  EXPECT_TRUE(open(step(0.78), "UT1"));  // inside the 3-point band: still open
  step(0.50);
  c = step(0.50);
  ASSERT_NE(find(c, "UT1"), nullptr);
  EXPECT_TRUE(find(c, "UT1")->cleared);
}

TEST(Monitor, ErrorRateFiresOnRatioAndCount) {
  Device d;
  IfRow r = port(0, 0);
  uint64_t pkts = 1000;
  uint64_t errs = 0;
  auto step = [&](uint64_t dp, uint64_t de) {
    pkts += dp;
    errs += de;
    r.hc_in_ucast = pkts;
    r.in_errors = errs;
    r.hc_in_octets = *r.hc_in_octets + 1000;
    return d.poll(r);
  };
  step(0, 0);
  EXPECT_FALSE(open(step(1'000'000, 5), "ER1"));   // 5 errors: below the count
  EXPECT_FALSE(open(step(1'000'000, 50), "ER1"));  // 0.005%: below the ratio
  step(100'000, 50);                               // 0.05% with 50: first hit
  auto c = step(100'000, 50);
  ASSERT_TRUE(open(c, "ER1"));
  EXPECT_EQ(find(c, "ER1")->severity, Severity::kWarn);
  step(100'000, 500);
  c = step(100'000, 500);  // 0.5% with 500
  EXPECT_EQ(find(c, "ER1")->severity, Severity::kCrit);
}

TEST(Monitor, OutDiscardsUnderCongestionAreNotAMisconfiguration) {
  Device d;
  IfRow r = port(0, 0);
  uint64_t out = 0;
  uint64_t disc = 0;
  auto step = [&](double util, uint64_t dd) {
    out += octets(util * 1e9);
    disc += dd;
    r.hc_out_octets = out;
    r.hc_out_ucast = *r.hc_out_ucast + 10'000;
    r.out_discards = disc;
    return d.poll(r);
  };
  step(0, 0);
  step(0.95, 2000);
  EXPECT_FALSE(open(step(0.95, 2000), "DI1"));  // 20% discards at 95% load: congestion
  step(0.10, 2000);
  EXPECT_TRUE(open(step(0.10, 2000), "DI1"));  // the same at 10% load: not congestion
}

TEST(Monitor, AdminUpOperDownOnlyForPortsThatWereUp) {
  Device d;
  IfRow never = port(0, 0);
  never.oper_status = 2;
  EXPECT_FALSE(open(d.poll(never), "ST1"));  // an unused port is not a fault
  Device e;
  e.poll(port(0, 0));
  IfRow down = port(0, 0);
  down.oper_status = 2;
  auto c = e.poll(down);
  ASSERT_TRUE(open(c, "ST1"));
  EXPECT_EQ(find(c, "ST1")->severity, Severity::kWarn);
  Device f;
  f.target.critical_ports.insert("Gi0/1");
  f.poll(port(0, 0));
  EXPECT_EQ(find(f.poll(down), "ST1")->severity, Severity::kCrit);
  IfRow admin_down = down;
  admin_down.admin_status = 2;
  EXPECT_FALSE(open(Device().poll(admin_down), "ST1"));
}

TEST(Monitor, FlappingCountsTransitionsIncludingHiddenOnes) {
  Device d;
  IfRow up = port(0, 0);
  up.last_change = 100;
  d.poll(up);
  IfRow down = up;
  down.oper_status = 2;
  down.last_change = 200;
  EXPECT_FALSE(open(d.poll(down), "FL1"));  // one transition
  up.last_change = 300;
  EXPECT_FALSE(open(d.poll(up), "FL1"));  // two
  up.last_change = 400;                   // up again, but ifLastChange moved: down+up between polls
  auto c = d.poll(up);
  ASSERT_TRUE(open(c, "FL1"));
  EXPECT_EQ(find(c, "FL1")->severity, Severity::kWarn);
}

TEST(Monitor, HalfDuplexAndLateCollisionsMeanAMismatch) {
  Device d;
  IfRow r = port(0, 0, 100);
  r.duplex = 2;
  r.fcs_errors = 0;
  r.late_collisions = 0;
  auto c = d.poll(r);
  EXPECT_TRUE(open(c, "DX1"));
  r.hc_in_octets = 1000;
  r.late_collisions = 25;
  c = d.poll(r);
  ASSERT_TRUE(open(c, "DX2"));
  EXPECT_EQ(find(c, "DX2")->severity, Severity::kCrit);
  IfRow full = port(0, 0, 100);
  full.duplex = 3;
  full.fcs_errors = 0;
  EXPECT_FALSE(open(Device().poll(full), "DX1"));
}

TEST(Monitor, FullDuplexWithCollisionsOrCrcErrorsPointsAtThePeer) {
  Device d;
  IfRow r = clean_full_duplex_port();
  d.poll(r);
  r.single_collisions = 3;
  r.hc_in_octets = 1000;
  auto three = d.poll(r);
  EXPECT_TRUE(open(three, "DX4"));
  EXPECT_EQ(find(three, "DX4")->evidence, "3 collisions while full duplex");
  r.single_collisions = 4;  // one more: the evidence says it in the singular
  r.hc_in_octets = 2000;
  auto one = d.poll(r);
  ASSERT_TRUE(open(one, "DX4"));
  EXPECT_EQ(find(one, "DX4")->evidence, "1 collision while full duplex");

  Device e;
  IfRow s = clean_full_duplex_port();
  e.poll(s);
  for (int i = 1; i <= 2; ++i) {
    s.fcs_errors = *s.fcs_errors + 50;  // 50 in 10,000 packets: 0.5%
    s.hc_in_ucast = *s.hc_in_ucast + 10'000;
    s.hc_in_octets = *s.hc_in_octets + 1000;
    auto c = e.poll(s);
    EXPECT_EQ(open(c, "DX3"), i == 2);
  }
}

TEST(Monitor, SpeedBelowWhatThePortDidOrWhatItsNameSays) {
  Device d;
  d.poll(port(0, 0, 1000));
  auto c = d.poll(port(0, 0, 100));
  EXPECT_TRUE(open(c, "SP1"));
  EXPECT_TRUE(open(c, "SP2"));  // "Gi0/1" at 100 Mb/s
  IfRow fa = port(0, 0, 100);
  fa.name = "Fa0/1";
  EXPECT_FALSE(open(Device().poll(fa), "SP2"));
}

TEST(Monitor, ThirtyTwoBitCountersOnAFastPortWarnWhenTheyCanWrapBetweenPolls) {
  IfRow r = port(0, 0, 1000);
  r.hc_in_octets.reset();
  r.hc_out_octets.reset();
  auto c = Device().poll(r);
  ASSERT_TRUE(open(c, "CT1"));
  EXPECT_EQ(find(c, "CT1")->severity, Severity::kWarn);  // 34 s per wrap, polled every 300 s
  IfRow slow = port(0, 0, 10);
  slow.hc_in_octets.reset();
  slow.hc_out_octets.reset();
  EXPECT_FALSE(open(Device().poll(slow), "CT1"));
}

TEST(Monitor, UnreachableForFiveMinutesIsCritical) {
  Device d;
  EXPECT_FALSE(open(d.unreachable(), "DV2"));  // silent since now: not yet
  auto c = d.unreachable();                    // 300 s without an answer
  ASSERT_TRUE(open(c, "DV2"));
  EXPECT_EQ(find(c, "DV2")->severity, Severity::kCrit);
  d.poll(port(0, 0));
  c = d.poll(port(0, 0));
  ASSERT_NE(find(c, "DV2"), nullptr);
  EXPECT_TRUE(find(c, "DV2")->cleared);
}

TEST(Monitor, MemorySurvivesItsTextForm) {
  PortMemory m;
  m.has_sample = true;
  m.mono_ms = 123;
  m.in_octets = 18446744073709551000ULL;
  m.name = "Gi 0/1=x%";
  m.transitions = {5, 6};
  m.rules["UT1"] = RuleState{2, 0, true, Severity::kCrit};
  m.descr = std::string("uplink\tcore\r\x01\x7f") + '\0' + "end";
  PortMemory back = PortMemory::parse(m.serialize());
  EXPECT_EQ(back.in_octets, m.in_octets);
  EXPECT_EQ(back.name, m.name);
  EXPECT_EQ(back.descr, m.descr);
  EXPECT_EQ(back.transitions, m.transitions);
  EXPECT_TRUE(back.rules["UT1"].open);
  EXPECT_EQ(back.rules["UT1"].severity, Severity::kCrit);
}

// Memory as a hand-edited file may hold it: a '%' that is no escape, times and counts at
// the ends of 64 bits, a severity that is none. It is read without a throw or an overflow
// (the sanitizer build aborts on one), and the next polls go on as usual.
TEST(Monitor, MemoryEditedByHandIsReadWithoutAThrowOrAnOverflow) {
  const std::string min = "-9223372036854775808";
  const std::string max = "9223372036854775807";
  Device d;
  d.poll(port(0, 0));
  d.memory.ports[1] += " mono=" + min + " wall=" + max + " errsince=" + min + " flaps=" + max + "," + min +
                       " rule.ER1=2147483647,99999999999,1,9";
  d.memory.device += " mono=" + min + " ok=" + min + " rule.DV2=" + max + ",0,1,-4";
  PortMemory edited = PortMemory::parse(d.memory.ports[1] + " name=%zz descr=50%");
  EXPECT_EQ(edited.name, "%zz");
  EXPECT_EQ(edited.descr, "50%");
  EXPECT_EQ(edited.rules["ER1"].hits, 1'000'000);
  EXPECT_EQ(edited.rules["ER1"].severity, Severity::kCrit);
  EXPECT_EQ(PortMemory::parse(d.memory.ports[1]).mono_ms, 0);
  EXPECT_EQ(PortMemory::parse(d.memory.ports[1]).wall_s, kLastTimeS);
  EXPECT_EQ(DeviceMemory::parse(d.memory.device).last_ok_s, kFirstTimeS);
  d.poll(port(octets(1e6), octets(1e6)));
  auto c = d.poll(port(2 * octets(1e6), 2 * octets(1e6)));
  ASSERT_EQ(c.rates.size(), 1U);
  EXPECT_NEAR(c.rates[0].in_bps, 1e6, 1);
}

}  // namespace netledger::snmp
