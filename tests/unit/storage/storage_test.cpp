#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <thread>

#include "netledger/storage/database.hpp"
#include "netledger/storage/queries.hpp"
#include "netledger/storage/writer.hpp"
#include "support/older_schema.hpp"
#include "support/temp_dir.hpp"

namespace netledger::storage {

namespace {

HostBucket host(int64_t bucket, const char* addr, uint64_t sent, uint64_t received) {
  HostBucket h;
  h.bucket_s = bucket;
  h.host = *IpAddr::parse(addr);
  h.ip_proto = 6;
  h.packets_sent = 1;
  h.bytes_sent = sent;
  h.packets_received = 1;
  h.bytes_received = received;
  h.flows = 1;
  return h;
}

void set_pragmas(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// Every row of `sql`, each column followed by a space and each row by '|'.
std::string rows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return "cannot open";
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        out += ' ';
      }
      out += '|';
    }
  } else {
    out = sqlite3_errmsg(db);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// A writer on the database at `path` with one run begun.
struct WriterRun {
  explicit WriterRun(const std::string& path) {
    auto db = Database::open(path, OpenMode::kReadWrite);
    EXPECT_TRUE(db.ok());
    auto opened = Writer::open(std::move(*db));
    EXPECT_TRUE(opened.ok());
    writer = std::move(*opened);
    id = *writer->begin_run(CaptureStats{});
  }
  Status end() { return writer->end_run(id, CaptureStats{}); }
  std::unique_ptr<Writer> writer;
  int64_t id = 0;
};

}  // namespace

TEST(Writer, StoresBucketsFlowsAndTheRunThenReadsThemBack) {
  test::TempDir dir;
  const std::string path = dir.file("a.db");
  {
    auto db = Database::open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto w = Writer::open(std::move(*db), WriterLimits{.queue_depth = 1});
    ASSERT_TRUE(w.ok());
    CaptureStats stats;
    stats.kind = "replay";
    stats.source = "x.pcap";
    auto run = (*w)->begin_run(stats);
    ASSERT_TRUE(run.ok());
    for (int i = 0; i < 5; ++i) {  // more batches than the queue holds: the producer waits
      TrafficBatch b;
      b.hosts = {host(60 * i, "10.0.0.1", 100, 10), host(60 * i, "10.0.0.2", 10, 100)};
      b.protocols = {ProtocolBucket{60 * i, 6, 2, 110, 1}};
      ASSERT_TRUE((*w)->consume(std::move(b)).ok());
    }
    TrafficBatch f;
    FlowRecord r;
    r.client = *IpAddr::parse("10.0.0.1");
    r.server = *IpAddr::parse("10.0.0.2");
    r.ip_proto = 6;
    r.bytes_c2s = 500;
    f.flows.push_back(r);
    ASSERT_TRUE((*w)->consume(std::move(f)).ok());
    stats.status = "complete";
    stats.packets_read = 10;
    stats.anomalies = {{"truncated_ipv4", 3}};
    ASSERT_TRUE((*w)->end_run(*run, stats).ok());
  }
  auto db = Database::open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto hosts = query_hosts(**db, {}, 0);
  ASSERT_TRUE(hosts.ok());
  ASSERT_EQ(hosts->size(), 2U);
  EXPECT_EQ((*hosts)[0].bytes_sent, 500U);
  EXPECT_EQ((*hosts)[0].bytes_received, 50U);
  EXPECT_EQ((*hosts)[0].first_seen_s, 0);
  EXPECT_EQ((*hosts)[0].last_seen_s, 240);
  auto ranged = query_hosts(**db, TimeRange{60, 180}, 0);
  EXPECT_EQ((*ranged)[0].bytes_sent, 200U);
  auto protocols = query_protocols(**db, {}, 0);
  ASSERT_EQ(protocols->size(), 1U);
  EXPECT_EQ((*protocols)[0].l4, "tcp");
  EXPECT_EQ((*protocols)[0].bytes, 550U);
  auto flows = query_flows(**db, {}, 0);
  ASSERT_EQ(flows->size(), 1U);
  EXPECT_EQ(flows->front().flow.bytes_c2s, 500U);
  auto runs = query_runs(**db, {}, 0);
  ASSERT_EQ(runs->size(), 1U);
  EXPECT_EQ(runs->front().stats.status, "complete");
  ASSERT_EQ(runs->front().stats.anomalies.size(), 1U);
  EXPECT_EQ(runs->front().stats.anomalies[0].second, 3U);
}

// Rows are written many to a statement and the rest one by one: every row lands with its
// own values, and rows that share a key within one statement add up.
TEST(Writer, EveryRowOfALargeBatchIsStoredWithItsOwnValues) {
  test::TempDir dir;
  const std::string path = dir.file("a.db");
  constexpr int kHosts = 50;
  constexpr int kFlows = 77;  // two full statements of 32 and 13 rows one by one
  {
    WriterRun run(path);
    TrafficBatch b;
    for (int i = 0; i < kHosts; ++i) {
      const std::string addr = "10.0.1." + std::to_string(i);
      // Each host three times in the minute: 150 rows, 50 keys, the copies side by side.
      for (int copy = 0; copy < 3; ++copy) b.hosts.push_back(host(60, addr.c_str(), 1000 + i, i));
    }
    for (int i = 0; i < kFlows; ++i) {
      FlowRecord r;
      r.client = *IpAddr::parse("10.0.2." + std::to_string(i));
      r.server = *IpAddr::parse("10.0.3.1");
      r.client_port = static_cast<uint16_t>(40000 + i);
      r.server_port = 443;
      r.ip_proto = 6;
      r.packets_c2s = static_cast<uint64_t>(i);
      r.bytes_c2s = static_cast<uint64_t>(100 * i);
      r.first_us = 1000 * i;
      r.last_us = r.first_us + 7;
      b.flows.push_back(r);
    }
    ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  // Each host's minute row and hour row hold three times its one row, and nothing else.
  EXPECT_EQ(rows(path,
                 "SELECT count(*), sum(bytes_sent = 3 * (1000 + CAST(substr(address, 8) AS INTEGER))), "
                 "sum(flows = 3) FROM host_traffic_minute JOIN hosts ON hosts.id = host_id"),
            "50 50 50 |");
  EXPECT_EQ(rows(path,
                 "SELECT count(*), sum(bytes_received = 3 * CAST(substr(address, 8) AS INTEGER)) "
                 "FROM host_traffic_hour JOIN hosts ON hosts.id = host_id"),
            "50 50 |");
  // Each flow keeps its own client, port, counters and times.
  EXPECT_EQ(rows(path,
                 "SELECT count(*), sum(client = '10.0.2.' || (client_port - 40000) AND "
                 "packets_c2s = client_port - 40000 AND bytes_c2s = 100 * packets_c2s AND "
                 "first_us = 1000 * packets_c2s AND last_us = first_us + 7 AND server = '10.0.3.1' AND "
                 "server_port = 443) FROM v_flows"),
            std::to_string(kFlows) + " " + std::to_string(kFlows) + " |");
}

TEST(Writer, BucketsFromTwoRunsAddUp) {
  test::TempDir dir;
  const std::string path = dir.file("a.db");
  for (int i = 0; i < 2; ++i) {
    WriterRun run(path);
    TrafficBatch b;
    b.hosts = {host(0, "10.0.0.1", 100, 0)};
    ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  auto db = Database::open(path, OpenMode::kReadOnly);
  auto hosts = query_hosts(**db, {}, 0);
  EXPECT_EQ((*hosts)[0].bytes_sent, 200U);
}

TEST(Writer, AHostSeenInSeveralHoursIsOneRowWithItsFirstAndLastMinute) {
  test::TempDir dir;
  const std::string path = dir.file("h.db");
  {
    WriterRun run(path);
    // The writer's host cache starts afresh at each new hour of packet time.
    for (int64_t minute : {120, 3660, 3720, 7200 + 600}) {
      TrafficBatch b;
      b.hosts = {host(minute, "10.0.0.1", 100, 0)};
      if (minute == 3720) b.hosts.push_back(host(minute, "10.0.0.2", 0, 100));
      ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    }
    ASSERT_TRUE(run.end().ok());
  }
  auto db = Database::open(path, OpenMode::kReadOnly);
  auto hosts = query_hosts(**db, {}, 0);
  ASSERT_TRUE(hosts.ok());
  ASSERT_EQ(hosts->size(), 2U);
  EXPECT_EQ((*hosts)[0].address, "10.0.0.1");
  EXPECT_EQ((*hosts)[0].bytes_sent, 400U);
  EXPECT_EQ(rows(path, "SELECT address, first_seen, last_seen FROM hosts ORDER BY address"),
            "10.0.0.1 120 7800 |10.0.0.2 3720 3720 |");
}

// A flow's ends are host ids. The host may be new in the flow's batch, known from an
// earlier batch, in the file but no longer in the writer's cache (it starts afresh each
// hour), or not in any host row at all; each flow must point at its own addresses, and the
// hosts' first and last minutes must stay those of their host rows.
TEST(Writer, EachFlowPointsAtItsOwnHostsWhereverTheirIdsComeFrom) {
  test::TempDir dir;
  const std::string path = dir.file("f.db");
  auto flow = [](const char* client, const char* server, int64_t first_s, int64_t last_s, uint16_t port) {
    FlowRecord r;
    r.client = *IpAddr::parse(client);
    r.server = *IpAddr::parse(server);
    r.ip_proto = 6;
    r.client_port = port;
    r.first_us = first_s * 1'000'000;
    r.last_us = last_s * 1'000'000 + 999'999;
    return r;
  };
  {
    WriterRun run(path);
    TrafficBatch first;  // hour 0
    first.hosts = {host(60, "10.0.0.1", 100, 0), host(60, "10.0.0.2", 0, 100), host(120, "10.0.0.1", 1, 0),
                   host(120, "10.0.0.2", 0, 1)};
    first.flows = {flow("10.0.0.1", "10.0.0.2", 61, 125, 1)};  // both new in this batch
    ASSERT_TRUE(run.writer->consume(std::move(first)).ok());
    TrafficBatch second;  // both cached from the first batch, and one new host
    second.hosts = {host(180, "10.0.0.3", 5, 0), host(180, "10.0.0.1", 0, 5)};
    second.flows = {flow("10.0.0.2", "10.0.0.1", 60, 60, 2), flow("10.0.0.3", "10.0.0.1", 180, 180, 3)};
    ASSERT_TRUE(run.writer->consume(std::move(second)).ok());
    TrafficBatch next_hour;  // a new hour: the cache is empty, the hosts are in the file
    next_hour.hosts = {host(3600, "10.0.0.9", 7, 0), host(3660, "10.0.0.9", 7, 0)};
    next_hour.flows = {flow("10.0.0.1", "10.0.0.3", 180, 180, 4),
                       flow("2001:db8::1", "10.0.0.9", 3601, 3665, 5)};
    ASSERT_TRUE(run.writer->consume(std::move(next_hour)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  EXPECT_EQ(rows(path, "SELECT client_port, client, server FROM v_flows ORDER BY client_port"),
            "1 10.0.0.1 10.0.0.2 |2 10.0.0.2 10.0.0.1 |3 10.0.0.3 10.0.0.1 |4 10.0.0.1 10.0.0.3 |"
            "5 2001:db8::1 10.0.0.9 |");
  // 2001:db8::1 has no host row: it is a host seen in its flow's minutes.
  EXPECT_EQ(
      rows(path, "SELECT address, first_seen, last_seen FROM hosts ORDER BY address"),
      "10.0.0.1 60 180 |10.0.0.2 60 120 |10.0.0.3 180 180 |10.0.0.9 3600 3660 |2001:db8::1 3600 3660 |");
  EXPECT_EQ(rows(path,
                 "SELECT count(*) FROM flows WHERE typeof(client_id) = 'integer' AND typeof(server_id) = "
                 "'integer'"),
            "5 |");
}

TEST(Writer, ABatchThatFailsIsRolledBackWholeAndTheOnesBeforeItAreKept) {
  test::TempDir dir;
  const std::string path = dir.file("f.db");
  ASSERT_TRUE(Database::open(path, OpenMode::kReadWrite).ok());  // the schema, for the trigger
  // The database refuses one flow, as a full disk or a corrupt page would refuse a write.
  set_pragmas(path,
              "CREATE TRIGGER refuse BEFORE INSERT ON flows WHEN NEW.client_port = 666 "
              "BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
  auto run = std::make_unique<WriterRun>(path);
  auto batch = [](int64_t minute, const char* addr, uint16_t port) {
    TrafficBatch b;
    b.hosts = {host(minute, addr, 100, 0)};
    FlowRecord r;
    r.client = *IpAddr::parse(addr);
    r.server = *IpAddr::parse("10.0.0.2");
    r.client_port = port;
    r.ip_proto = 6;
    b.flows = {r};
    return b;
  };
  EXPECT_TRUE(run->writer->consume(batch(0, "10.0.0.1", 80)).ok());
  EXPECT_TRUE(run->writer->consume(batch(60, "10.0.0.3", 666)).ok());  // queued: it fails later
  (void)run->writer->consume(batch(120, "10.0.0.4", 81));
  Status s = run->end();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("refused by test"), std::string::npos) << s.error().message;
  run.reset();
  EXPECT_EQ(rows(path, "SELECT bucket, count(*) FROM host_traffic_minute GROUP BY bucket"), "0 1 |");
  EXPECT_EQ(rows(path, "SELECT client, client_port FROM v_flows"), "10.0.0.1 80 |");
  EXPECT_EQ(rows(path, "SELECT status FROM capture_runs"), "failed |");
}

// A live capture that goes quiet still has its last batch in the file: a report run
// meanwhile sees it, without waiting for the run to end.
TEST(Writer, ABatchReachesTheFileWithinASecondWhenNoOtherFollows) {
  test::TempDir dir;
  const std::string path = dir.file("q.db");
  WriterRun run(path);
  TrafficBatch b;
  b.hosts = {host(0, "10.0.0.1", 100, 0)};
  ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    seen = rows(path, "SELECT count(*) FROM host_traffic_minute");
    if (seen == "1 |") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(seen, "1 |") << "the batch never reached the file while the run was open";
  EXPECT_TRUE(run.end().ok());
}

TEST(Writer, NamesAndMacsKeepTheirFirstAndLastSightingAcrossBatches) {
  test::TempDir dir;
  const std::string path = dir.file("n.db");
  {
    WriterRun run(path);
    const IpAddr a = *IpAddr::parse("10.0.0.9");
    const std::array<uint8_t, 6> mac{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    for (int64_t t : {500, 100, 300}) {  // out of order, one batch each
      TrafficBatch b;
      b.names = {HostName{a, "printer.lan", NameSource::kDns, t}};
      b.macs = {HostMac{a, mac, t + 1}};
      ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    }
    ASSERT_TRUE(run.end().ok());
  }
  EXPECT_EQ(rows(path, "SELECT name, source, first_seen, last_seen FROM host_names"),
            "printer.lan dns 100 500 |");
  EXPECT_EQ(rows(path, "SELECT mac, first_seen, last_seen FROM host_macs"), "00:11:22:33:44:55 101 501 |");
}

// A name new to the writer is written with the batch's other new names, after the whole
// batch is read: a second sighting in the same batch widens what is written.
TEST(Writer, ANameSeenTwiceInItsFirstBatchKeepsBothTimes) {
  test::TempDir dir;
  const std::string path = dir.file("n.db");
  {
    WriterRun run(path);
    const IpAddr a = *IpAddr::parse("10.0.0.7");
    const IpAddr b = *IpAddr::parse("10.0.0.8");
    TrafficBatch batch;
    batch.names = {HostName{a, "nas.lan", NameSource::kDns, 700},
                   HostName{b, "tv.lan", NameSource::kDhcp, 650},
                   HostName{a, "nas.lan", NameSource::kDns, 100}};
    ASSERT_TRUE(run.writer->consume(std::move(batch)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  EXPECT_EQ(rows(path, "SELECT name, source, first_seen, last_seen FROM host_names ORDER BY name"),
            "nas.lan dns 100 700 |tv.lan dhcp 650 650 |");
}

// Names whose times moved are written back many to a statement at the end: each keeps
// its own first and last sighting.
TEST(Writer, ManyNamesSeenAgainEachKeepTheirOwnTimes) {
  test::TempDir dir;
  const std::string path = dir.file("n.db");
  constexpr int kNames = 45;  // one statement of 32 and 13 rows one by one
  {
    WriterRun run(path);
    for (int64_t round : {0, 1, 2}) {
      TrafficBatch b;
      for (int i = 0; i < kNames; ++i) {
        const IpAddr a = *IpAddr::parse("10.0.4." + std::to_string(i));
        b.names.push_back(
            HostName{a, "host" + std::to_string(i) + ".lan", NameSource::kDhcp, 1000 * round + i});
      }
      ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    }
    ASSERT_TRUE(run.end().ok());
  }
  EXPECT_EQ(rows(path,
                 "SELECT count(*), sum(name = 'host' || substr(address, 8) || '.lan' AND "
                 "n.first_seen = CAST(substr(address, 8) AS INTEGER) AND n.last_seen = n.first_seen + 2000) "
                 "FROM host_names n JOIN hosts ON hosts.id = n.host_id"),
            std::to_string(kNames) + " " + std::to_string(kNames) + " |");
}

// `report host --top N` lists N protocols; the host's totals are of all its traffic.
TEST(Queries, AHostsTotalsDoNotDependOnHowManyProtocolsAreListed) {
  test::TempDir dir;
  const std::string path = dir.file("q.db");
  {
    WriterRun run(path);
    TrafficBatch b;
    const uint8_t protos[] = {6, 17, 1, 58};
    for (size_t i = 0; i < 4; ++i) {
      HostBucket h = host(60, "10.0.0.1", 1000 * (i + 1), 10 * (i + 1));
      h.ip_proto = protos[i];
      b.hosts.push_back(h);
    }
    ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  auto db = Database::open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  auto top2 = query_host(**db, "10.0.0.1", {}, 2);
  auto all = query_host(**db, "10.0.0.1", {}, 0);
  ASSERT_TRUE(top2.ok() && all.ok());
  ASSERT_EQ(top2->protocols.size(), 2U);
  EXPECT_EQ(all->protocols.size(), 4U);
  EXPECT_EQ(top2->protocols[0].bytes_sent, 4000U);  // the largest first
  EXPECT_EQ(top2->totals.bytes_sent, 10000U);
  EXPECT_EQ(top2->totals.bytes_received, 100U);
  EXPECT_EQ(top2->totals.packets_sent, 4U);
  EXPECT_EQ(top2->totals.flows, 4U);
  EXPECT_EQ(all->totals.bytes_sent, 10000U);
}

TEST(Database, RefusesAFileThatIsNotSqlite) {
  test::TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "this is not a database, just some text that is long enough to have a header";
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("not a netledger database"), std::string::npos);
  EXPECT_NE(db.error().message.find(path), std::string::npos);
}

TEST(Database, RefusesAnotherProgramsSqliteFile) {
  test::TempDir dir;
  const std::string path = dir.file("other.db");
  set_pragmas(path, "CREATE TABLE t(x)");
  auto db = Database::open(path, OpenMode::kReadWrite);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("another program"), std::string::npos);
}

TEST(Database, RefusesASchemaNewerThanThisBuild) {
  test::TempDir dir;
  const std::string path = dir.file("new.db");
  set_pragmas(path, "CREATE TABLE t(x); PRAGMA application_id=1313621063; PRAGMA user_version=99;");
  for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    auto db = Database::open(path, mode);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(db.error().message.find("newer netledger (schema version 99"), std::string::npos);
  }
}

// Version 6 stores a flow's ends as host ids. A file written before it keeps every flow
// with the same addresses and values, and an address that was in no host row becomes a
// host seen in its flows' minutes.
TEST(Database, UpgradingToHostIdsKeepsEveryFlowAsItWas) {
  test::TempDir dir;
  const std::string path = dir.file("v5.db");
  {
    WriterRun run(path);
    TrafficBatch b;
    b.hosts = {host(60, "10.0.0.1", 100, 0), host(60, "10.0.0.2", 0, 100), host(60, "2001:db8::2", 1, 1)};
    for (int i = 0; i < 40; ++i) {
      FlowRecord r;
      r.client = *IpAddr::parse(i % 3 == 0 ? "2001:db8::2" : "10.0.0.1");
      r.server = *IpAddr::parse("10.0.0.2");
      r.ip_proto = static_cast<uint8_t>(i % 2 == 0 ? 6 : 17);
      r.client_port = static_cast<uint16_t>(1000 + i);
      r.server_port = static_cast<uint16_t>(i);
      r.vlan = static_cast<uint16_t>(i % 5);
      r.first_us = 60'000'000 + i;
      r.last_us = 61'000'000 + 3 * i;
      r.packets_c2s = static_cast<uint64_t>(i);
      r.bytes_s2c = static_cast<uint64_t>(7 * i);
      r.end = i % 2 == 0 ? FlowEnd::kIdle : FlowEnd::kClosed;
      b.flows.push_back(r);
    }
    ASSERT_TRUE(run.writer->consume(std::move(b)).ok());
    ASSERT_TRUE(run.end().ok());
  }
  // The file as version 5 had it: addresses as text in the flows table, no v_flows. One
  // flow more, between two addresses no host row has.
  set_pragmas(path, test::kFlowsAsSchema5);
  set_pragmas(path,
              "INSERT INTO flows VALUES (100, 1, 6, '192.0.2.9', 5, '192.0.2.10', 6, 0, 0, 0, 125000000, "
              "250000000, 1, 2, 3, 4, 'idle', 0, 0, 0, 0, 0);");
  const char* kAll = "SELECT * FROM flows ORDER BY id";
  const std::string before = rows(path, kAll);
  ASSERT_EQ(std::count(before.begin(), before.end(), '|'), 41);
  ASSERT_NE(before.find("2001:db8::2"), std::string::npos);
  ASSERT_TRUE(Database::open(path, OpenMode::kReadWrite).ok());  // upgrades
  EXPECT_EQ(rows(path, "SELECT * FROM v_flows ORDER BY id"), before);
  EXPECT_EQ(
      rows(path, "SELECT address, first_seen, last_seen FROM hosts WHERE address LIKE '192.%' ORDER BY 1"),
      "192.0.2.10 120 240 |192.0.2.9 120 240 |");
  EXPECT_EQ(rows(path, "SELECT count(*) FROM pragma_table_info('flows') WHERE name IN ('client', 'server')"),
            "0 |");
}

// Reports open the file read-only and cannot upgrade it: the message names the command that does.
TEST(Database, ReadingAnOlderSchemaNamesTheCommandThatUpgradesIt) {
  test::TempDir dir;
  const std::string path = dir.file("old.db");
  ASSERT_TRUE(Database::open(path, OpenMode::kReadWrite).ok());
  set_pragmas(path, test::kFlowsAsSchema5);
  auto db = Database::open(path, OpenMode::kReadOnly);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(db.error().message.find("schema version 5"), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("netledger db migrate --db " + path), std::string::npos)
      << db.error().message;
  ASSERT_TRUE(Database::open(path, OpenMode::kReadWrite).ok());  // what that command does
  EXPECT_TRUE(Database::open(path, OpenMode::kReadOnly).ok());
}

// A new file is made with 16 KiB pages; a file made with other pages keeps them. Either
// way the WAL is copied back into the file at 64 MiB.
TEST(Database, ANewFileHasSixteenKibPagesAndAnOldOneKeepsItsOwn) {
  test::TempDir dir;
  const std::string fresh = dir.file("fresh.db");
  const std::string old = dir.file("old.db");
  set_pragmas(old, ("PRAGMA page_size=4096; PRAGMA application_id=" + std::to_string(kApplicationId) +
                    "; CREATE TABLE x(a); DROP TABLE x;")
                       .c_str());
  for (const auto& [path, page] : {std::pair{fresh, 16384}, std::pair{old, 4096}}) {
    auto db = Database::open(path, OpenMode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(rows(path, "PRAGMA page_size"), std::to_string(page) + " |") << path;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2((*db)->handle(), "PRAGMA wal_autocheckpoint", -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int64(st, 0) * page, int64_t{64} << 20) << path;
    sqlite3_finalize(st);
  }
}

TEST(Database, ReportsNeedAnExistingFile) {
  test::TempDir dir;
  auto db = Database::open(dir.file("absent.db"), OpenMode::kReadOnly);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("does not exist"), std::string::npos);
}

TEST(Database, AnUnwritablePathIsAnErrorNamingIt) {
  auto db = Database::open("/nonexistent-dir/x.db", OpenMode::kReadWrite);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("/nonexistent-dir/x.db"), std::string::npos);
}

}  // namespace netledger::storage
