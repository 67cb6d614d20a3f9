#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <string>

#include "netledger/core/clamp_cast.hpp"
#include "netledger/core/flow_key.hpp"
#include "netledger/core/ip_addr.hpp"
#include "netledger/core/time_format.hpp"

namespace netledger {

TEST(IpAddr, ParsesAndPrintsBothFamilies) {
  EXPECT_EQ(IpAddr::parse("192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(IpAddr::parse("2001:DB8:0:0:0:0:0:1")->to_string(), "2001:db8::1");
  EXPECT_TRUE(IpAddr::parse("192.0.2.1")->is_v4());
  EXPECT_FALSE(IpAddr::parse("192.0.2.256").has_value());
  EXPECT_FALSE(IpAddr::parse("host.example").has_value());
}

// The text of every address is what inet_ntop gives: random ones, and ones made of runs
// of zero groups in every place (where the "::" and the dotted-quad forms are decided).
TEST(IpAddr, TextIsWhatInetNtopWrites) {
  std::mt19937_64 rng(7);
  auto check = [](const std::array<uint8_t, 16>& b) {
    char want[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, b.data(), want, sizeof want), nullptr);
    EXPECT_EQ(IpAddr::v6(b.data()).to_string(), want);
  };
  for (int n = 0; n < 20000; ++n) {
    std::array<uint8_t, 16> b{};
    const uint64_t r = rng();
    for (size_t g = 0; g < 8; ++g) {
      // Each group zero, 0xffff, small or random, from two bits of r.
      const unsigned kind = (r >> (2 * g)) & 3U;
      const auto v = static_cast<unsigned>(kind == 0   ? 0
                                           : kind == 1 ? 0xFFFF
                                           : kind == 2 ? (rng() & 0xF)
                                                       : rng());
      b[2 * g] = static_cast<uint8_t>(v >> 8);
      b[2 * g + 1] = static_cast<uint8_t>(v);
    }
    check(b);
  }
  for (unsigned mask = 0; mask < 256; ++mask) {  // every pattern of zero and non-zero groups
    std::array<uint8_t, 16> b{};
    for (size_t g = 0; g < 8; ++g) {
      if ((mask >> g) & 1U) b[2 * g + 1] = static_cast<uint8_t>(g + 1);
    }
    check(b);
    b[10] = b[11] = 0xFF;  // and with 0xffff as the sixth group (IPv4-mapped when the rest is zero)
    check(b);
  }
  char v4[IpAddr::kTextSize];
  const uint8_t quad[4] = {0, 10, 100, 255};
  EXPECT_EQ(std::string(v4, IpAddr::v4(quad).format(v4)), "0.10.100.255");
}

TEST(IpAddr, OrdersV4BeforeV6AndByBytes) {
  EXPECT_LT(*IpAddr::parse("10.0.0.2"), *IpAddr::parse("10.0.0.10"));
  EXPECT_LT(*IpAddr::parse("255.255.255.255"), *IpAddr::parse("::1"));
}

TEST(FlowKey, BothDirectionsMakeTheSameKey) {
  IpAddr a = *IpAddr::parse("10.0.0.1");
  IpAddr b = *IpAddr::parse("10.0.0.2");
  bool a_lo = false;
  bool b_lo = false;
  FlowKey k1 = FlowKey::make(a, 40000, b, 80, 6, 0, 0, a_lo);
  FlowKey k2 = FlowKey::make(b, 80, a, 40000, 6, 0, 0, b_lo);
  EXPECT_EQ(k1, k2);
  EXPECT_EQ(k1.hash(), k2.hash());
  EXPECT_TRUE(a_lo);
  EXPECT_FALSE(b_lo);
}

TEST(FlowKey, TheLowerSideIsTheLowerAddressInByteOrderThenTheLowerPort) {
  // Pairs differing in the first and in the last of the sixteen bytes, with the ports
  // against the addresses, so a word compare in host order or of one word only fails.
  const char* pairs[][2] = {{"10.0.0.2", "9.255.255.255"},           {"1.0.0.255", "2.0.0.0"},
                            {"2001:db8::1:0", "2001:db8::ff"},       {"2001:db8::2", "2001:db8::1"},
                            {"2001:db8:0:0:1::", "2001:db8::ff:ff"}, {"::ffff:1", "::1:0"}};
  for (const auto& [x, y] : pairs) {
    IpAddr a = *IpAddr::parse(x);
    IpAddr b = *IpAddr::parse(y);
    const bool a_lower = std::memcmp(a.bytes().data(), b.bytes().data(), 16) < 0;
    bool a_lo = false;
    FlowKey k = FlowKey::make(a, 9, b, 1, 6, 0, 0, a_lo);
    EXPECT_EQ(a_lo, a_lower) << x << " " << y;
    EXPECT_EQ(k.lo_addr(), a_lower ? a : b) << x << " " << y;
    EXPECT_EQ(k.lo_port, a_lower ? 9 : 1);
  }
  IpAddr a = *IpAddr::parse("2001:db8::1");
  bool a_lo = false;
  FlowKey::make(a, 9, a, 1, 17, 0, 0, a_lo);
  EXPECT_FALSE(a_lo);  // same address: the lower port is the lower side
}

TEST(IpAddr, EqualOnlyWithTheSameFamilyAndBytes) {
  EXPECT_EQ(*IpAddr::parse("2001:db8::1"), *IpAddr::parse("2001:db8:0::1"));
  EXPECT_FALSE(*IpAddr::parse("2001:db8::1") == *IpAddr::parse("2001:db8::1:1"));
  EXPECT_FALSE(*IpAddr::parse("2001:db8::1") == *IpAddr::parse("2001:db9::1"));
  const uint8_t zero[16] = {};
  EXPECT_FALSE(IpAddr::v4(zero) == IpAddr::v6(zero));
}

TEST(FlowKey, VlanSeparatesOtherwiseEqualFlows) {
  IpAddr a = *IpAddr::parse("10.0.0.1");
  IpAddr b = *IpAddr::parse("10.0.0.2");
  bool lo = false;
  EXPECT_FALSE(FlowKey::make(a, 1, b, 2, 17, 0, 0, lo) == FlowKey::make(a, 1, b, 2, 17, 10, 0, lo));
  EXPECT_FALSE(FlowKey::make(a, 1, b, 2, 17, 10, 0, lo) == FlowKey::make(a, 1, b, 2, 17, 10, 20, lo));
}

TEST(ParseTime, AcceptsEpochDatesAndAges) {
  const int64_t now = 1'700'000'000;
  EXPECT_EQ(*parse_time("1600000000", now), 1'600'000'000);
  EXPECT_EQ(*parse_time("2026-11-01", now), 1'793'491'200);
  EXPECT_EQ(*parse_time("2026-11-01T01:02:03Z", now), 1'793'491'200 + 3723);
  EXPECT_EQ(*parse_time("2026-11-01 01:02", now), 1'793'491'200 + 3720);
  EXPECT_EQ(*parse_time("24h", now), now - 86400);
  EXPECT_EQ(*parse_time("7d", now), now - 7 * 86400);
  EXPECT_EQ(*parse_time("30m", now), now - 1800);
}

TEST(ClampToInt64, TruncatesAsACastWithinRangeAndHoldsTheRestToItsEnds) {
  EXPECT_EQ(clamp_to_int64(2.9), 2);
  EXPECT_EQ(clamp_to_int64(-2.9), -2);
  EXPECT_EQ(clamp_to_int64(9007199254740993.0), 9007199254740992);        // the double nearest
  EXPECT_EQ(clamp_to_int64(-9223372036854775808.0), INT64_MIN);           // -2^63 is an int64_t
  EXPECT_EQ(clamp_to_int64(9223372036854775808.0), INT64_MAX);            // 2^63 is not
  EXPECT_EQ(clamp_to_int64(9223372036854774784.0), 9223372036854774784);  // the largest double below
  EXPECT_EQ(clamp_to_int64(1e308), INT64_MAX);
  EXPECT_EQ(clamp_to_int64(-1e308), INT64_MIN);
  EXPECT_EQ(clamp_to_int64(HUGE_VAL), INT64_MAX);
  EXPECT_EQ(clamp_to_int64(-HUGE_VAL), INT64_MIN);
  EXPECT_EQ(clamp_to_int64(std::nan("")), 0);
}

TEST(FormatAge, UsesTheLargestUnitThatStatesTheAgeExactly) {
  EXPECT_EQ(format_age(86400), "1 day");
  EXPECT_EQ(format_age(90 * 86400), "90 days");
  EXPECT_EQ(format_age(36 * 3600), "36 hours");
  EXPECT_EQ(format_age(3600), "1 hour");
  EXPECT_EQ(format_age(90 * 60), "90 minutes");
  EXPECT_EQ(format_age(61), "61 seconds");
  EXPECT_EQ(format_age(0), "0 seconds");
  EXPECT_EQ(format_age(-90), "-90 seconds");
  EXPECT_EQ(format_age(INT64_MIN), "-9223372036854775808 seconds");
}

TEST(ParseTime, RejectsMalformedTimesWithTheTextInTheMessage) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "12x", "h", "2026-11-01T25:00"}) {
    auto r = parse_time(bad, 0);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos);
  }
}

// An age whose seconds, or the time that many seconds ago, 64 bits cannot hold is an
// error naming it, not an overflow; the largest that fits is a time.
TEST(ParseTime, RejectsAnAgeFurtherBackThanATimeCanBe) {
  const int64_t now = 1'700'000'000;
  for (const char* far : {"99999999999999999d", "9223372036854775807m"}) {
    auto r = parse_time(far, now);
    ASSERT_FALSE(r.ok()) << far;
    EXPECT_NE(r.error().message.find(std::string("'") + far + "'"), std::string::npos);
  }
  EXPECT_EQ(*parse_time("106751991167300d", now), now - 106'751'991'167'300 * 86400);
}

TEST(ParseStep, TakesANumberAndAUnitUpToTenThousandYears) {
  EXPECT_EQ(*parse_step("5m"), 300);
  EXPECT_EQ(*parse_step("2w"), 14 * 86400);
  EXPECT_EQ(*parse_step("520000w"), int64_t{520'000} * 7 * 86400);
  for (const char* bad : {"0h", "5", "5s", "5y", "530000w", "99999999999999999w"}) {
    auto r = parse_step(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos);
  }
}

TEST(ParseAge, TakesANumberAndAUnitUpToTenThousandYears) {
  EXPECT_EQ(*parse_age("90s"), 90);
  EXPECT_EQ(*parse_age("48h"), 48 * 3600);
  EXPECT_EQ(*parse_age("520000w"), int64_t{520'000} * 7 * 86400);
  for (const char* bad : {"0d", "-5d", "5", "d", "2026-01-01", "1700000000", "5y"}) {
    auto r = parse_age(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find(std::string("'") + bad + "': expected"), std::string::npos) << bad;
  }
  for (const char* long_ago : {"530000w", "99999999999999999d"}) {
    auto r = parse_age(long_ago);
    ASSERT_FALSE(r.ok()) << long_ago;
    EXPECT_NE(r.error().message.find(std::string("'") + long_ago + "': longer than 10,000 years"),
              std::string::npos);
  }
}

TEST(FormatUtc, PrintsUtc) {
  EXPECT_EQ(format_utc(1'793'491'200 + 3723), "2026-11-01 01:02:03");
  EXPECT_EQ(format_utc(-1), "1969-12-31 23:59:59");
}

// The year has four digits at both ends of the calendar, as ISO 8601 and SQLite write it.
TEST(FormatUtc, WritesEveryYearOfTheCalendarInFourDigits) {
  EXPECT_EQ(format_utc(kFirstTimeS), "0001-01-01 00:00:00");
  EXPECT_EQ(format_utc(kFirstTimeS + 999LL * 365 * 86400), "0999-05-04 00:00:00");
  EXPECT_EQ(format_utc(kLastTimeS), "9999-12-31 23:59:59");
}

}  // namespace netledger
