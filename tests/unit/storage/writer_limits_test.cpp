// A writer held to small limits writes its hour sums, hosts and sightings early and often;
// the file must hold exactly what a writer with the default limits writes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

#include "netledger/storage/database.hpp"
#include "netledger/storage/writer.hpp"
#include "support/random_counts.hpp"
#include "support/sql_number.hpp"
#include "support/temp_dir.hpp"

namespace netledger::storage {

namespace {

constexpr int64_t kStart = 1'767'225'600;  // 2026-01-01 00:00 UTC

IpAddr address(uint64_t n) {
  return *IpAddr::parse("203.0.113." + std::to_string(n));
}

// Three hours of batches, minutes moving on as a capture's do, some of them late by a
// batch or two; each host comes and goes within about 20 batches, seen again and again
// in no order, with its names and MACs.
std::vector<TrafficBatch> traffic() {
  std::mt19937_64 rng(5);
  std::vector<TrafficBatch> out;
  for (int64_t batch = 0; batch < 45; ++batch) {
    TrafficBatch b;
    const int64_t minute = batch * 4;
    for (int row = 0; row < 60; ++row) {
      HostBucket h;
      h.bucket_s = kStart + (minute + static_cast<int64_t>(rng() % 9)) * 60;
      h.host = address(static_cast<uint64_t>(batch) * 2 + rng() % 40);
      h.ip_proto = (rng() % 3) != 0 ? 6 : 17;
      test::random_counts(h, rng);
      b.hosts.push_back(h);
    }
    for (int row = 0; row < 8; ++row) {
      const int64_t seen = kStart + minute * 60 + static_cast<int64_t>(rng() % 540);
      b.names.push_back(HostName{address(static_cast<uint64_t>(batch) * 2 + rng() % 40),
                                 "n" + std::to_string(rng() % 40) + ".example",
                                 (rng() % 2) != 0 ? NameSource::kDns : NameSource::kTlsSni, seen});
      const auto m = static_cast<uint8_t>(rng() % 20);
      b.macs.push_back(
          HostMac{address(static_cast<uint64_t>(batch) * 2 + rng() % 40), {0x02, 0, 0, 0, 0, m}, seen});
    }
    b.protocols.push_back(ProtocolBucket{kStart + minute * 60, 6, 3, 1000, 1});
    out.push_back(std::move(b));
  }
  return out;
}

void write(const std::string& path, WriterLimits limits) {
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  auto w = Writer::open(std::move(*db), limits);
  ASSERT_TRUE(w.ok());
  auto run = (*w)->begin_run(CaptureStats{});
  ASSERT_TRUE(run.ok());
  for (TrafficBatch& b : traffic()) ASSERT_TRUE((*w)->consume(std::move(b)).ok());
  ASSERT_TRUE((*w)->end_run(*run, CaptureStats{}).ok());
}

// Every row of every table the writer's limits touch, with hosts by address, one per line.
std::string content(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string out;
  const std::string traffic =
      "address, ip_proto, app_id, packets_sent, bytes_sent, packets_received, bytes_received, flows FROM ";
  for (const std::string& sql :
       {std::string("SELECT address, first_seen, last_seen FROM hosts"),
        "SELECT bucket, " + traffic + "host_traffic_minute JOIN hosts ON hosts.id = host_id",
        "SELECT bucket, " + traffic + "host_traffic_hour JOIN hosts ON hosts.id = host_id",
        "SELECT bucket, " + traffic + "v_host_traffic_day JOIN hosts ON hosts.id = host_id",
        std::string("SELECT * FROM protocol_traffic_hour"),
        std::string("SELECT address, name, source, n.first_seen, n.last_seen FROM host_names n "
                    "JOIN hosts ON hosts.id = host_id"),
        std::string("SELECT address, mac, m.first_seen, m.last_seen FROM host_macs m "
                    "JOIN hosts ON hosts.id = host_id")}) {
    sqlite3_stmt* st = nullptr;
    const std::string ordered = sql + " ORDER BY 1, 2, 3";  // a key of every table here
    EXPECT_EQ(sqlite3_prepare_v2(db, ordered.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        out += ' ';
      }
      out += '\n';
    }
    sqlite3_finalize(st);
    out += "--\n";
  }
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST(WriterLimits, AWriterThatWritesItsHourEarlyStoresWhatOneThatWaitsStores) {
  test::TempDir dir;
  const std::string waits = dir.file("waits.db");
  const std::string early = dir.file("early.db");
  write(waits, WriterLimits{});
  const WriterLimits small{.queue_depth = 2, .hour_sums = 40, .hosts = 30, .sightings = 20};
  write(early, small);
  // The hours hold more than the small limits, so the small writer wrote early in them.
  {
    auto db = Database::open(waits, OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok());
    EXPECT_GE(test::sql_number(**db,
                               "SELECT count(*) FROM (SELECT bucket FROM host_traffic_hour "
                               "GROUP BY bucket HAVING count(*) > 40)"),
              3);
    EXPECT_GT(test::sql_number(**db, "SELECT count(*) FROM hosts"), static_cast<int64_t>(small.hosts));
    EXPECT_GT(
        test::sql_number(**db, "SELECT (SELECT count(*) FROM host_names) + (SELECT count(*) FROM host_macs)"),
        static_cast<int64_t>(small.sightings));
  }
  const std::string expected = content(waits);
  EXPECT_GT(expected.size(), 10'000U);
  EXPECT_EQ(content(early), expected);
}

}  // namespace netledger::storage
