#include "hour_sums.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bulk_rows.hpp"
#include "netledger/core/time_format.hpp"
#include "statement.hpp"
#include "traffic_tables.hpp"

namespace netledger::storage {

namespace {

using Row = std::pair<HourSums::Key, HourSums::Sums>;

bool key_less(const HourSums::Key& x, const HourSums::Key& y) {
  return std::tie(x.bucket, x.host_id, x.ip_proto, x.app_id) <
         std::tie(y.bucket, y.host_id, y.ip_proto, y.app_id);
}

bool row_less(const Row& a, const Row& b) {
  return key_less(a.first, b.first);
}

// Sorts rows made of sorted runs, the others starting at `starts`, by merging the runs
// pairwise: a few sequential passes where a sort of rows spread over more memory than
// the cache holds missed it at every step.
void merge_runs(std::vector<Row>& rows, std::vector<size_t> starts) {
  starts.insert(starts.begin(), 0);
  starts.push_back(rows.size());  // run i is [starts[i], starts[i + 1])
  std::vector<size_t> merged;
  while (starts.size() > 2) {
    merged.clear();
    size_t i = 0;
    for (; i + 2 < starts.size(); i += 2) {
      std::inplace_merge(rows.begin() + static_cast<std::ptrdiff_t>(starts[i]),
                         rows.begin() + static_cast<std::ptrdiff_t>(starts[i + 1]),
                         rows.begin() + static_cast<std::ptrdiff_t>(starts[i + 2]), row_less);
      merged.push_back(starts[i]);
    }
    for (; i < starts.size(); ++i) merged.push_back(starts[i]);  // an odd run out, and the end
    starts.swap(merged);
  }
}

// Sorts by key and sums the rows that share one (the hours of a day, the days of a month).
void sort_and_merge(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), row_less);
  size_t out = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (out > 0 && rows[out - 1].first == rows[i].first) {
      HourSums::Sums& a = rows[out - 1].second;
      const HourSums::Sums& b = rows[i].second;
      a.packets_sent += b.packets_sent;
      a.bytes_sent += b.bytes_sent;
      a.packets_received += b.packets_received;
      a.bytes_received += b.bytes_received;
      a.flows += b.flows;
    } else {
      rows[out++] = rows[i];
    }
  }
  rows.resize(out);
}

// Upserts the rows in key order: protocol rows (host -1) to the protocol table, the rest
// to the host table.
Status upsert(Database& db, const std::string& res, const std::vector<Row>& rows) {
  auto proto = BulkRows::prepare(
      db, "INSERT INTO protocol_traffic_" + res + "(bucket, ip_proto, packets, bytes, flows)", 5,
      "ON CONFLICT DO UPDATE SET packets = packets + excluded.packets, "
      "bytes = bytes + excluded.bytes, flows = flows + excluded.flows");
  if (!proto.ok()) return proto.error();
  auto host = BulkRows::prepare(
      db,
      "INSERT INTO host_traffic_" + res +
          "(bucket, host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received, bytes_received, "
          "flows)",
      9,
      "ON CONFLICT DO UPDATE SET packets_sent = packets_sent + excluded.packets_sent, "
      "bytes_sent = bytes_sent + excluded.bytes_sent, "
      "packets_received = packets_received + excluded.packets_received, "
      "bytes_received = bytes_received + excluded.bytes_received, flows = flows + excluded.flows");
  if (!host.ok()) return host.error();
  std::vector<const Row*> protocols;
  std::vector<const Row*> hosts;
  hosts.reserve(rows.size());
  for (const Row& r : rows) (r.first.host_id < 0 ? protocols : hosts).push_back(&r);
  int rc = proto->run(protocols.size(), [&](BulkRows::Row& b, size_t i) {
    const auto& [k, v] = *protocols[i];
    b.bind(1, k.bucket)
        .bind(2, int{k.ip_proto})
        .bind(3, v.packets_sent)
        .bind(4, v.bytes_sent)
        .bind(5, v.flows);
  });
  if (rc == SQLITE_DONE) {
    rc = host->run(hosts.size(), [&](BulkRows::Row& b, size_t i) {
      const auto& [k, v] = *hosts[i];
      b.bind(1, k.bucket).bind(2, k.host_id).bind(3, int{k.ip_proto}).bind(4, k.app_id);
      b.bind(5, v.packets_sent).bind(6, v.bytes_sent).bind(7, v.packets_received).bind(8, v.bytes_received);
      b.bind(9, v.flows);
    });
  }
  if (rc != SQLITE_DONE) return db.error("upsert " + res + " rollups", ErrorCode::kIo);
  return {};
}

}  // namespace

size_t HourSums::KeyHash::operator()(const Key& k) const noexcept {
  uint64_t h = static_cast<uint64_t>(k.bucket) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<uint64_t>(k.host_id) * 0xBF58476D1CE4E5B9ULL;
  h ^= (static_cast<uint64_t>(static_cast<uint32_t>(k.ip_proto)) << 40) ^ static_cast<uint64_t>(k.app_id);
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  return static_cast<size_t>(h ^ (h >> 32));
}

HourSums::Sums& HourSums::at(const Key& k) {
  auto [entry, added] = sums_.try_emplace(k, Sums{});
  if (added && entry > 0 && !key_less(sums_.at(entry - 1).first, k)) run_starts_.push_back(entry);
  return sums_.at(entry).second;
}

void HourSums::add(const HostBucket& h, int64_t host_id, int64_t app_id) {
  Sums& s = at(Key{hour_start(h.bucket_s), host_id, h.ip_proto, app_id});
  s.packets_sent += h.packets_sent;
  s.bytes_sent += h.bytes_sent;
  s.packets_received += h.packets_received;
  s.bytes_received += h.bytes_received;
  s.flows += h.flows;
}

void HourSums::add(const ProtocolBucket& p) {
  Sums& s = at(Key{hour_start(p.bucket_s), -1, p.ip_proto, 0});
  s.packets_sent += p.packets;
  s.bytes_sent += p.bytes;
  s.flows += p.flows;
}

Status HourSums::write(Database& db) {
  std::vector<Row> rows = sums_.take();
  merge_runs(rows, std::move(run_starts_));  // keys are unique: nothing to sum
  run_starts_.clear();
  if (Status s = upsert(db, "hour", rows); !s.ok()) return s;
  auto folded = folded_before(db);
  if (!folded.ok()) return folded.error();
  // Hours of days not folded yet wait for fold_days; late ones of folded days go on now.
  std::erase_if(rows, [&](const Row& r) { return r.first.bucket >= *folded; });
  if (rows.empty()) return {};
  for (Row& row : rows) row.first.bucket = day_start(row.first.bucket);
  sort_and_merge(rows);
  if (Status s = upsert(db, "day", rows); !s.ok()) return s;
  for (Row& row : rows) row.first.bucket = month_start(row.first.bucket);
  sort_and_merge(rows);
  return upsert(db, "month", rows);
}

Result<int64_t> folded_before(const Database& db) {
  auto st = Statement::prepare(db, "SELECT folded_before FROM rollup_state");
  if (!st.ok()) return st.error();
  if (st->step() != SQLITE_ROW) return db.error("read rollup_state");
  return st->int_at(0);
}

Status fold_days(Database& db, int64_t before_s) {
  auto from = folded_before(db);
  if (!from.ok()) return from.error();
  const int64_t to = period_start_from(before_s, false);
  if (to <= *from) return {};
  for (const char* period : {kDayOfBucket, kMonthOfBucket}) {
    const std::string res = period == kDayOfBucket ? "day" : "month";
    const std::string host =
        "INSERT INTO host_traffic_" + res +
        "(bucket, host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received, bytes_received, "
        "flows) "
        "SELECT " +
        period +
        ", host_id, ip_proto, app_id, sum(packets_sent), sum(bytes_sent), sum(packets_received), "
        "sum(bytes_received), sum(flows) FROM host_traffic_hour WHERE bucket >= ?1 AND bucket < ?2 "
        "GROUP BY 1, 2, 3, 4 ON CONFLICT DO UPDATE SET "
        "packets_sent = packets_sent + excluded.packets_sent, bytes_sent = bytes_sent + excluded.bytes_sent, "
        "packets_received = packets_received + excluded.packets_received, "
        "bytes_received = bytes_received + excluded.bytes_received, flows = flows + excluded.flows";
    const std::string proto = "INSERT INTO protocol_traffic_" + res +
                              "(bucket, ip_proto, packets, bytes, flows) SELECT " + period +
                              ", ip_proto, sum(packets), sum(bytes), sum(flows) FROM protocol_traffic_hour "
                              "WHERE bucket >= ?1 AND bucket < ?2 GROUP BY 1, 2 ON CONFLICT DO UPDATE SET "
                              "packets = packets + excluded.packets, bytes = bytes + excluded.bytes, "
                              "flows = flows + excluded.flows";
    for (const std::string* sql : {&host, &proto}) {
      auto st = Statement::prepare(db, sql->c_str());
      if (!st.ok()) return st.error();
      st->bind(1, *from).bind(2, to);
      if (st->step() != SQLITE_DONE) return db.error("fold hours into " + res + "s", ErrorCode::kIo);
    }
  }
  auto mark = Statement::prepare(db, "UPDATE rollup_state SET folded_before = ?1");
  if (!mark.ok()) return mark.error();
  mark->bind(1, to);
  if (mark->step() != SQLITE_DONE) return db.error("update rollup_state", ErrorCode::kIo);
  return {};
}

}  // namespace netledger::storage
