// Rollups are exact: totals over any range equal the sum of the minute buckets they came
// from, before and after folding and pruning; the 95th percentile per direction.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>

#include "netledger/core/stats.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/maintenance.hpp"
#include "netledger/storage/period_queries.hpp"
#include "netledger/storage/queries.hpp"
#include "netledger/storage/snmp_store.hpp"
#include "netledger/storage/writer.hpp"
#include "support/older_schema.hpp"
#include "support/random_counts.hpp"
#include "support/sql_number.hpp"
#include "support/temp_dir.hpp"

namespace netledger::storage {

namespace {

constexpr int64_t kStart = 1'767'139'200;  // 2025-12-31 00:00 UTC: the range crosses a month and a year
constexpr int64_t kDays = 3;

struct Totals {
  uint64_t sent = 0;
  uint64_t received = 0;
};

Totals sum_hosts(const Database& db, TimeRange r) {
  auto rows = query_hosts(db, r, 0);
  EXPECT_TRUE(rows.ok()) << rows.error().message;
  Totals t;
  for (const auto& h : *rows) {
    t.sent += h.bytes_sent;
    t.received += h.bytes_received;
  }
  return t;
}

uint64_t sent_in(const Database& db, const std::string& source) {
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT coalesce(sum(bytes_sent), 0) FROM " + source;
  EXPECT_EQ(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << source;
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  auto n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return n;
}

// One replay run that writes `batches`.
void write_run(const std::string& path, std::vector<TrafficBatch> batches) {
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  auto w = Writer::open(std::move(*db));
  ASSERT_TRUE(w.ok());
  CaptureStats stats;
  stats.kind = "replay";
  stats.source = "synthetic";
  auto run = (*w)->begin_run(stats);
  ASSERT_TRUE(run.ok());
  for (TrafficBatch& b : batches) ASSERT_TRUE((*w)->consume(std::move(b)).ok());
  stats.status = "complete";
  ASSERT_TRUE((*w)->end_run(*run, stats).ok());
}

// Three days of minute buckets for a few hosts, with an exact expected total per day.
std::vector<uint64_t> fill(const std::string& path) {
  std::vector<TrafficBatch> batches;
  std::mt19937_64 rng(7);
  std::vector<uint64_t> per_day(kDays, 0);
  for (int64_t m = 0; m < kDays * 1440; m += 7) {  // every 7th minute: buckets land unevenly in hours
    TrafficBatch b;
    for (const char* a : {"192.0.2.1", "192.0.2.2", "2001:db8::5"}) {
      HostBucket h;
      h.bucket_s = kStart + m * 60;
      h.host = *IpAddr::parse(a);
      h.ip_proto = 17;
      h.bytes_sent = rng() % 100000;
      h.bytes_received = rng() % 100000;
      h.packets_sent = 1;
      h.packets_received = 1;
      per_day[static_cast<size_t>(m / 1440)] += h.bytes_sent;
      b.hosts.push_back(h);
    }
    b.protocols.push_back(ProtocolBucket{kStart + m * 60, 17, 3, 1000, 1});
    batches.push_back(std::move(b));
  }
  write_run(path, std::move(batches));
  return per_day;
}

// fill()s the file at `path` and opens it for writing; `all` gets the bytes it sent.
std::unique_ptr<Database> filled(const std::string& path, uint64_t& all) {
  std::vector<uint64_t> per_day = fill(path);
  all = per_day[0] + per_day[1] + per_day[2];
  auto db = Database::open(path, OpenMode::kReadWrite);
  EXPECT_TRUE(db.ok());
  return db.ok() ? std::move(*db) : nullptr;
}

}  // namespace

TEST(Rollups, EveryResolutionHoldsTheSameTotalsBeforeAndAfterPruning) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  std::vector<uint64_t> per_day = fill(path);
  uint64_t all = per_day[0] + per_day[1] + per_day[2];
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  const TimeRange everything{kStart, kStart + kDays * 86400};
  EXPECT_EQ(sum_hosts(**db, everything).sent, all);
  // The same totals read from each resolution directly: days and months through the
  // views, which add the hours of the day packet time has not left yet.
  for (const char* source :
       {"host_traffic_minute", "host_traffic_hour", "v_host_traffic_day", "v_host_traffic_month"}) {
    EXPECT_EQ(sent_in(**db, source), all) << source;
  }
  // The day and month tables hold the first two days: the third is still open.
  EXPECT_EQ(sent_in(**db, "host_traffic_day"), per_day[0] + per_day[1]);
  EXPECT_EQ(sent_in(**db, "host_traffic_month"), per_day[0] + per_day[1]);
  // Day 2 alone, a multi-hour range inside day 1.
  EXPECT_EQ(sum_hosts(**db, TimeRange{kStart + 86400, kStart + 2 * 86400}).sent, per_day[1]);

  // Prune minutes older than a day before the end, and hours older than two.
  PruneOptions po;
  po.now_s = kStart + kDays * 86400;
  po.keep = {{"minute", 86400}, {"hour", 2 * 86400}};
  auto pruned = prune(**db, po);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_GT(pruned->rows_deleted, 0);
  auto res = covering_resolution(**db, kStart);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(*res, Resolution::kDay);  // minutes and hours no longer reach back to the start
  EXPECT_EQ(*covering_resolution(**db, kStart + 2 * 86400 + 60), Resolution::kMinute);
  EXPECT_EQ(*covering_resolution(**db, kStart + 86400 + 60), Resolution::kHour);
  EXPECT_EQ(sum_hosts(**db, everything).sent, all);
  EXPECT_EQ(sum_hosts(**db, TimeRange{kStart + 86400, kStart + 2 * 86400}).sent, per_day[1]);
  EXPECT_EQ(sum_hosts(**db, TimeRange{kStart + 2 * 86400, kStart + 3 * 86400}).sent, per_day[2]);

  // Daily summary over the pruned range: each day's bytes (protocol rows: 1000 per bucket).
  auto days = query_summary(**db, everything, false, 1, 0);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 3U);
  uint64_t protocol_total = 0;
  for (const auto& d : *days) protocol_total += d.bytes;
  EXPECT_EQ(protocol_total, static_cast<uint64_t>((kDays * 1440 + 6) / 7) * 1000);
  auto months = query_summary(**db, everything, true, 1, 0);
  ASSERT_TRUE(months.ok());
  EXPECT_EQ(months->size(), 2U);  // December 2025 and January 2026
}

TEST(Rollups, HoursArrivingForADayAlreadyFoldedGoStraightIntoItsDayAndMonth) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  std::vector<uint64_t> per_day = fill(path);
  // A second run brings one more minute of the first day, which is folded already.
  TrafficBatch b;
  HostBucket h;
  h.bucket_s = kStart + 3600 + 60;
  h.host = *IpAddr::parse("192.0.2.1");
  h.ip_proto = 6;
  h.bytes_sent = 5000;
  h.packets_sent = 1;
  b.hosts.push_back(h);
  std::vector<TrafficBatch> late;
  late.push_back(std::move(b));
  write_run(path, std::move(late));
  auto db = Database::open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  const uint64_t all = per_day[0] + per_day[1] + per_day[2] + 5000;
  EXPECT_EQ(sent_in(**db, "host_traffic_day"), per_day[0] + 5000 + per_day[1]);
  EXPECT_EQ(sent_in(**db, "v_host_traffic_day"), all);
  EXPECT_EQ(sent_in(**db, "v_host_traffic_month"), all);
  EXPECT_EQ(sum_hosts(**db, TimeRange{kStart, kStart + 86400}).sent, per_day[0] + 5000);
}

TEST(Rollups, EachHourRowIsTheSumOfItsMinutesInWhateverOrderHostsCame) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  std::mt19937_64 rng(11);
  // Two runs over the same three hours; each batch brings minutes of several hours and
  // hosts in no order, some of them seen in earlier batches, some new. Thousands of
  // hosts and keys, so the writer's maps grow their index while they are filled.
  for (int run = 0; run < 2; ++run) {
    std::vector<TrafficBatch> batches;
    for (int batch = 0; batch < 30; ++batch) {
      TrafficBatch b;
      for (int row = 0; row < 200; ++row) {
        HostBucket h;
        h.bucket_s = kStart + static_cast<int64_t>(rng() % 180) * 60;
        h.host =
            *IpAddr::parse("198.51." + std::to_string(100 + rng() % 12) + "." + std::to_string(rng() % 250));
        h.ip_proto = (rng() % 2) != 0 ? 6 : 17;
        test::random_counts(h, rng);
        b.hosts.push_back(h);
      }
      b.protocols.push_back(ProtocolBucket{kStart + static_cast<int64_t>(rng() % 180) * 60, 6, 1, 100, 1});
      batches.push_back(std::move(b));
    }
    write_run(path, std::move(batches));
  }
  auto db = Database::open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  const std::string from_minutes =
      "SELECT bucket - bucket % 3600, host_id, ip_proto, app_id, sum(packets_sent), sum(bytes_sent), "
      "sum(packets_received), sum(bytes_received), sum(flows) FROM host_traffic_minute GROUP BY 1, 2, 3, 4";
  const std::string hours = "SELECT * FROM host_traffic_hour";
  ASSERT_GT(test::sql_number(**db, "SELECT count(*) FROM host_traffic_hour"), 5000);
  ASSERT_GT(test::sql_number(**db, "SELECT count(*) FROM hosts"), 2500);
  EXPECT_EQ(test::sql_number(**db, "SELECT count(*) FROM (" + from_minutes + " EXCEPT " + hours + ")"), 0);
  EXPECT_EQ(test::sql_number(**db, "SELECT count(*) FROM (" + hours + " EXCEPT " + from_minutes + ")"), 0);
  EXPECT_EQ(test::sql_number(**db,
                             "SELECT count(*) FROM (SELECT bucket - bucket % 3600, ip_proto, sum(packets), "
                             "sum(bytes), sum(flows) FROM protocol_traffic_minute GROUP BY 1, 2 EXCEPT "
                             "SELECT * FROM protocol_traffic_hour)"),
            0);
}

// Rows a hand-edited file moved to the ends of 64 bits: reports over open ranges stop at
// the calendar's ends (the years 1 to 9999) instead of overflowing on the way (the suite
// runs under UBSan), and count what lies inside it.
TEST(Rollups, RowsBeyondTheCalendarAreLeftOutOfOpenRanges) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  uint64_t all = 0;
  auto db = filled(path, all);
  ASSERT_NE(db, nullptr);
  const std::string last = "bucket = (SELECT max(bucket) FROM host_traffic_minute)";
  const auto moved = static_cast<uint64_t>(
      test::sql_number(*db, "SELECT coalesce(sum(bytes_sent), 0) FROM host_traffic_minute WHERE " + last));
  ASSERT_GT(moved, 0U);
  ASSERT_TRUE(
      db->exec(("UPDATE host_traffic_minute SET bucket = 9223372036854775807 WHERE " + last).c_str()).ok());
  ASSERT_TRUE(db->exec("UPDATE protocol_traffic_minute SET bucket = -9223372036854775808 "
                       "WHERE bucket = (SELECT min(bucket) FROM protocol_traffic_minute)")
                  .ok());
  const TimeRange open{INT64_MIN, INT64_MAX};
  EXPECT_EQ(sum_hosts(*db, open).sent, all - moved);
  auto protocols = query_protocols(*db, open, 0);
  ASSERT_TRUE(protocols.ok()) << protocols.error().message;
  auto tl = query_timeline(*db, open, 86400, SeriesBy::kTotal, Filter{}, 6);
  EXPECT_FALSE(tl.ok());  // a day a step from year 1 to now is too many points, and says so
}

// A retention age or size cap that is none (a file edited by hand) stops the prune with a
// message naming the file and the value, and deletes nothing: a cut in the future, or a cap
// of nothing, would take every row. Text that is no number reads as 0.
TEST(Rollups, ARetentionOrSizeCapOfNothingStopsThePruneAndDeletesNothing) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  uint64_t all = 0;
  auto db = filled(path, all);
  ASSERT_NE(db, nullptr);
  const std::string keep =
      std::to_string(test::sql_number(*db, "SELECT keep_s FROM retention WHERE resolution = 'minute'"));
  const std::string cap = "; INSERT OR REPLACE INTO settings VALUES('max_bytes', ";
  const std::pair<std::string, const char*> edits[] = {
      {"UPDATE retention SET keep_s = -60 WHERE resolution = 'minute'", "retention of minute is -60 s"},
      {"UPDATE retention SET keep_s = " + keep + " WHERE resolution = 'minute'" + cap + "'0')",
       "size cap is 0 bytes"},
      {"SELECT 1" + cap + "'-4096')", "size cap is -4096 bytes"},
      {"SELECT 1" + cap + "'lots')", "size cap is 0 bytes"},
  };
  for (const auto& [sql, says] : edits) {
    ASSERT_TRUE(db->exec(sql.c_str()).ok()) << sql;
    PruneOptions po;
    po.now_s = kStart + kDays * 86400;
    auto pruned = prune(*db, po);
    ASSERT_FALSE(pruned.ok()) << sql;
    const std::string& m = pruned.error().message;
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find(says), std::string::npos) << m;
    EXPECT_EQ(sent_in(*db, "host_traffic_minute"), all) << sql;
  }
}

TEST(Rollups, AFileFromSchema4KeepsItsTotalsWhenUpgraded) {
  test::TempDir dir;
  const std::string path = dir.file("r.db");
  std::vector<uint64_t> per_day = fill(path);
  const uint64_t all = per_day[0] + per_day[1] + per_day[2];
  {
    // Schema 4 added every hour to its day and month at once: fold the open day by hand,
    // and take away what schemas 5 and 6 added.
    auto db = Database::open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec(test::kFlowsAsSchema5).ok());
    ASSERT_TRUE(
        (*db)
            ->exec("INSERT INTO host_traffic_day SELECT bucket - bucket % 86400, host_id, ip_proto, app_id, "
                   "sum(packets_sent), sum(bytes_sent), sum(packets_received), sum(bytes_received), "
                   "sum(flows) FROM host_traffic_hour WHERE bucket >= (SELECT folded_before FROM "
                   "rollup_state) GROUP BY 1, 2, 3, 4; "
                   "INSERT INTO host_traffic_month SELECT CAST(strftime('%s', bucket, 'unixepoch', "
                   "'start of month') AS INTEGER) AS m, host_id, ip_proto, app_id, sum(packets_sent), "
                   "sum(bytes_sent), sum(packets_received), sum(bytes_received), sum(flows) FROM "
                   "host_traffic_hour WHERE bucket >= (SELECT folded_before FROM rollup_state) GROUP BY 1, "
                   "2, 3, 4 ON CONFLICT DO UPDATE SET bytes_sent = bytes_sent + excluded.bytes_sent; "
                   "DROP VIEW v_host_traffic_day; DROP VIEW v_host_traffic_month; "
                   "DROP VIEW v_protocol_traffic_day; DROP VIEW v_protocol_traffic_month; "
                   "DROP TABLE rollup_state; PRAGMA user_version = 4;")
            .ok());
    EXPECT_EQ(sent_in(**db, "host_traffic_day"), all);
    EXPECT_EQ(sent_in(**db, "host_traffic_month"), all);
  }
  auto db = Database::open(path, OpenMode::kReadWrite);  // upgrades to the current schema
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(sent_in(**db, "v_host_traffic_day"), all);
  EXPECT_EQ(sent_in(**db, "v_host_traffic_month"), all);
  PruneOptions po;
  po.now_s = kStart + kDays * 86400;
  po.keep = {{"minute", 3600}, {"hour", 3600}};
  auto pruned = prune(**db, po);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(sum_hosts(**db, TimeRange{kStart, kStart + kDays * 86400}).sent, all);
  // The notes give the age kept as it was asked for, not in whole days.
  ASSERT_FALSE(pruned->notes.empty());
  for (const auto& note : pruned->notes)
    EXPECT_NE(note.find(" older than 1 hour"), std::string::npos) << note;
}

TEST(Percentile95, DropsTheTopFivePercentAsBillingDoes) {
  std::vector<double> s;
  for (int i = 1; i <= 100; ++i) s.push_back(i);
  EXPECT_EQ(percentile95(s), 95);  // 100 samples: the top 5 go, 95 is the largest left
  std::vector<double> twenty;
  for (int i = 20; i >= 1; --i) twenty.push_back(i * 10.0);
  EXPECT_EQ(percentile95(twenty), 190);   // 20 samples: one dropped
  EXPECT_EQ(percentile95({7, 3, 5}), 7);  // fewer than 20: nothing dropped
  EXPECT_EQ(percentile95({}), 0);
}

TEST(Percentile95, PerDirectionFromStoredRates) {
  test::TempDir dir;
  auto db = Database::open(dir.file("p.db"), OpenMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  SnmpStore store(std::move(*db));
  // 40 five-minute samples: in = 1..40 Mb/s, out = 2 Mb/s except a burst of 2 at 100.
  for (int i = 1; i <= 40; ++i) {
    DeviceCycle c;
    c.poll.device = "sw1";
    c.poll.address = "192.0.2.9:161";
    c.poll.reachable = true;
    c.poll.polled_s = kStart + i * 300;
    IfRow r;
    r.if_index = 3;
    r.name = "Gi0/3";
    r.high_speed = 100;
    c.poll.interfaces[3] = r;
    IfRate rate;
    rate.if_index = 3;
    rate.at_s = kStart + i * 300;
    rate.interval_s = 300;
    rate.in_bps = i * 1e6;
    rate.out_bps = (i == 10 || i == 30) ? 100e6 : 2e6;
    c.rates.push_back(rate);
    ASSERT_TRUE(store.store(c).ok());
  }
  auto db2 = Database::open(dir.file("p.db"), OpenMode::kReadOnly);
  ASSERT_TRUE(db2.ok());
  auto u = query_interface_usage(**db2, Filter{}, TimeRange{});
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(u->size(), 1U);
  const auto& x = (*u)[0];
  EXPECT_EQ(x.samples, 40U);
  // By hand: 40 samples, the top 2 dropped. In: 1..40 -> 38. Out: the two bursts go -> 2.
  EXPECT_DOUBLE_EQ(x.p95_in_bps, 38e6);
  EXPECT_DOUBLE_EQ(x.p95_out_bps, 2e6);
  EXPECT_DOUBLE_EQ(x.max_out_bps, 100e6);
  EXPECT_DOUBLE_EQ(x.avg_in_bps, 20.5e6);
  EXPECT_EQ(x.speed_bps, 100'000'000);
}

// A timeline of one host with no --since or --until spans that host's own minutes, not
// every host's: one host seen for a few minutes in a file that holds years would
// otherwise print an hour row for each of those years. Where minutes are pruned and hours
// answer, the hour that holds the host's first minute is in.
TEST(Timeline, OneHostsOpenTimelineSpansItsOwnTime) {
  test::TempDir dir;
  const std::string path = dir.file("t.db");
  const int64_t brief = kStart + 22 * 3600 + 13 * 60;  // 22:13, two minutes long
  const int64_t years_later = kStart + 3 * 365 * 86400;
  std::vector<TrafficBatch> batches(3);
  auto bucket = [](int64_t at, const char* addr, uint64_t bytes) {
    HostBucket h;
    h.bucket_s = at;
    h.host = *IpAddr::parse(addr);
    h.ip_proto = 6;
    h.bytes_sent = bytes;
    h.packets_sent = 1;
    return h;
  };
  batches[0].hosts = {bucket(brief, "192.0.2.7", 1000), bucket(brief, "192.0.2.8", 1)};
  batches[1].hosts = {bucket(brief + 120, "192.0.2.7", 234)};
  batches[2].hosts = {bucket(years_later, "192.0.2.8", 5)};
  write_run(path, std::move(batches));
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  auto total = [](const Timeline& tl) {
    double sum = 0;
    for (const Series& s : tl.series)
      for (double v : s.values) sum += v;
    return sum;
  };
  Filter host;
  host.host = "192.0.2.7";
  auto tl = query_timeline(**db, TimeRange{}, 3600, SeriesBy::kTotal, host, 6);
  ASSERT_TRUE(tl.ok()) << tl.error().message;
  EXPECT_EQ(tl->starts, std::vector<int64_t>{kStart + 22 * 3600});
  EXPECT_EQ(total(*tl), 1234);
  auto minutes = query_timeline(**db, TimeRange{}, 60, SeriesBy::kTotal, host, 6);
  ASSERT_TRUE(minutes.ok());
  EXPECT_EQ(minutes->starts.size(), 3U);  // 22:13, 22:14, 22:15
  EXPECT_EQ(minutes->starts.front(), brief);
  Filter stranger;
  stranger.host = "192.0.2.99";  // in no row of the file
  auto none = query_timeline(**db, TimeRange{}, 3600, SeriesBy::kTotal, stranger, 6);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->starts.empty());
  // A closed range is the range asked for.
  auto asked = query_timeline(**db, TimeRange{kStart, kStart + 86400}, 3600, SeriesBy::kTotal, host, 6);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->starts.size(), 24U);
  // The other host's open timeline still spans its years.
  Filter other;
  other.host = "192.0.2.8";
  auto spread = query_timeline(**db, TimeRange{}, 86400, SeriesBy::kTotal, other, 6);
  ASSERT_TRUE(spread.ok());
  EXPECT_EQ(total(*spread), 6);
  EXPECT_GT(spread->starts.size(), 1000U);

  PruneOptions po;
  po.now_s = years_later;
  po.keep = {{"minute", 3600}, {"hour", std::nullopt}};
  ASSERT_TRUE(prune(**db, po).ok());
  auto hours = query_timeline(**db, TimeRange{}, 60, SeriesBy::kTotal, host, 6);
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(hours->resolution, Resolution::kHour);
  EXPECT_EQ(hours->starts, std::vector<int64_t>{kStart + 22 * 3600});
  EXPECT_EQ(total(*hours), 1234);
}

}  // namespace netledger::storage
