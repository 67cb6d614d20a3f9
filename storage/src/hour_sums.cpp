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

void add_to(HourSums::Sums& a, const HourSums::Sums& b) {
  a.packets_sent += b.packets_sent;
  a.bytes_sent += b.bytes_sent;
  a.packets_received += b.packets_received;
  a.bytes_received += b.bytes_received;
  a.flows += b.flows;
}

// Reads a map whose entries are sorted runs (the others starting at `starts`) in key
// order: a heap of each run's next entry, so the rows are merged as they are written
// and never copied. Runs are read front to back, which the cache likes.
class RunMerger {
 public:
  RunMerger(const HourSums::Map& map, const std::vector<uint32_t>& starts) : map_(map) {
    for (size_t i = 0; i <= starts.size(); ++i) {
      const uint32_t begin = i == 0 ? 0 : starts[i - 1];
      const uint32_t end = i == starts.size() ? static_cast<uint32_t>(map.size()) : starts[i];
      if (begin < end) heap_.push_back(Cursor{map.at(begin).first, begin, end});
    }
    std::make_heap(heap_.begin(), heap_.end(), later);
  }

  // The next row in key order; call it map.size() times.
  const Row& next() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    Cursor& c = heap_.back();
    const Row& row = map_.at(c.next++);
    if (c.next == c.end) {
      heap_.pop_back();
    } else {
      c.key = map_.at(c.next).first;
      std::push_heap(heap_.begin(), heap_.end(), later);
    }
    return row;
  }

 private:
  struct Cursor {
    HourSums::Key key;  // of entry `next`
    uint32_t next;
    uint32_t end;
  };
  static bool later(const Cursor& a, const Cursor& b) { return key_less(b.key, a.key); }

  const HourSums::Map& map_;
  std::vector<Cursor> heap_;
};

// Sorts by key and sums the rows that share one (the hours of a day, the days of a month).
void sort_and_merge(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), row_less);
  size_t out = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (out > 0 && rows[out - 1].first == rows[i].first) {
      add_to(rows[out - 1].second, rows[i].second);
    } else {
      rows[out++] = rows[i];
    }
  }
  rows.resize(out);
}

// Upserts n rows into host_traffic_<res>, in key order, the next one each time from
// next_row().
template <class NextRow>
Status upsert_hosts(Database& db, const std::string& res, size_t n, NextRow&& next_row) {
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
  const int rc = host->run(n, [&](BulkRows::Row& b, size_t) {
    const auto& [k, v] = next_row();
    b.bind(1, k.bucket).bind(2, k.host_id).bind(3, int{k.ip_proto}).bind(4, int64_t{k.app_id});
    b.bind(5, v.packets_sent).bind(6, v.bytes_sent).bind(7, v.packets_received).bind(8, v.bytes_received);
    b.bind(9, v.flows);
  });
  if (rc != SQLITE_DONE) return db.error("upsert " + res + " rollups", ErrorCode::kIo);
  return {};
}

Status upsert_protocols(Database& db, const std::string& res, const std::vector<Row>& rows) {
  auto proto = BulkRows::prepare(
      db, "INSERT INTO protocol_traffic_" + res + "(bucket, ip_proto, packets, bytes, flows)", 5,
      "ON CONFLICT DO UPDATE SET packets = packets + excluded.packets, "
      "bytes = bytes + excluded.bytes, flows = flows + excluded.flows");
  if (!proto.ok()) return proto.error();
  const int rc = proto->run(rows.size(), [&](BulkRows::Row& b, size_t i) {
    const auto& [k, v] = rows[i];
    b.bind(1, k.bucket)
        .bind(2, int{k.ip_proto})
        .bind(3, v.packets_sent)
        .bind(4, v.bytes_sent)
        .bind(5, v.flows);
  });
  if (rc != SQLITE_DONE) return db.error("upsert " + res + " rollups", ErrorCode::kIo);
  return {};
}

// Upserts rows sorted by key: protocol rows (host -1) to the protocol table, the rest to
// the host table.
Status upsert(Database& db, const std::string& res, const std::vector<Row>& rows) {
  std::vector<Row> protocols;
  std::vector<const Row*> hosts;
  for (const Row& r : rows) {
    if (r.first.host_id < 0) {
      protocols.push_back(r);
    } else {
      hosts.push_back(&r);
    }
  }
  if (Status s = upsert_protocols(db, res, protocols); !s.ok()) return s;
  size_t i = 0;
  return upsert_hosts(db, res, hosts.size(), [&]() -> const Row& { return *hosts[i++]; });
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

void HourSums::add(const HostBucket& h, int64_t host_id, int64_t app_id) {
  const Key k{hour_start(h.bucket_s), host_id, h.ip_proto, static_cast<int32_t>(app_id)};
  auto [entry, added] = hosts_.try_emplace(k, Sums{});
  if (added && entry > 0 && !key_less(hosts_.at(entry - 1).first, k)) run_starts_.push_back(entry);
  add_to(hosts_.at(entry).second,
         Sums{h.packets_sent, h.bytes_sent, h.packets_received, h.bytes_received, h.flows});
}

void HourSums::add(const ProtocolBucket& p) {
  auto [entry, added] = protocols_.try_emplace(Key{hour_start(p.bucket_s), -1, p.ip_proto, 0}, Sums{});
  add_to(protocols_.at(entry).second, Sums{p.packets, p.bytes, 0, 0, p.flows});
}

Status HourSums::write(Database& db) {
  auto folded = folded_before(db);
  if (!folded.ok()) return folded.error();
  // Hours of days not folded yet wait for fold_days; late ones of folded days go on now.
  std::vector<Row> late;
  std::vector<Row> protocols;
  for (uint32_t e = 0; e < protocols_.size(); ++e) protocols.push_back(protocols_.at(e));
  std::sort(protocols.begin(), protocols.end(), row_less);
  for (const Row& r : protocols) {
    if (r.first.bucket < *folded) late.push_back(r);
  }
  Status s = upsert_protocols(db, "hour", protocols);
  if (s.ok()) {
    RunMerger runs(hosts_, run_starts_);  // keys are unique: nothing to sum
    s = upsert_hosts(db, "hour", hosts_.size(), [&]() -> const Row& {
      const Row& r = runs.next();
      if (r.first.bucket < *folded) late.push_back(r);
      return r;
    });
  }
  hosts_.clear();
  protocols_.clear();
  run_starts_.clear();
  if (!s.ok() || late.empty()) return s;
  for (Row& row : late) row.first.bucket = day_start(row.first.bucket);
  sort_and_merge(late);
  if (s = upsert(db, "day", late); !s.ok()) return s;
  for (Row& row : late) row.first.bucket = month_start(row.first.bucket);
  sort_and_merge(late);
  return upsert(db, "month", late);
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
