#include "netledger/storage/maintenance.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>

#include "hour_sums.hpp"
#include "netledger/core/counted.hpp"
#include "netledger/core/time_format.hpp"
#include "statement.hpp"
#include "traffic_tables.hpp"

namespace netledger::storage {

namespace {

struct Scalar {
  static Result<std::optional<int64_t>> get(const Database& db, const std::string& sql) {
    auto st = Statement::prepare(db, sql.c_str());
    if (!st.ok()) return st.error();
    int rc = st->step();
    if (rc == SQLITE_DONE) return std::optional<int64_t>{};
    if (rc != SQLITE_ROW) return db.error(sql);
    if (st->is_null(0)) return std::optional<int64_t>{};
    return std::optional<int64_t>{st->int_at(0)};
  }
};

// Tables per resolution with the column their time lives in (seconds).
struct Timed {
  const char* table;
  const char* time;
};
const std::vector<Timed>& timed_tables(const std::string& resolution) {
  static const std::vector<Timed> kMinute = {{"host_traffic_minute", "bucket"},
                                             {"protocol_traffic_minute", "bucket"}};
  static const std::vector<Timed> kHour = {
      {"host_traffic_hour", "bucket"}, {"protocol_traffic_hour", "bucket"}, {"if_traffic_hour", "bucket"}};
  static const std::vector<Timed> kDay = {
      {"host_traffic_day", "bucket"}, {"protocol_traffic_day", "bucket"}, {"if_traffic_day", "bucket"}};
  static const std::vector<Timed> kMonth = {
      {"host_traffic_month", "bucket"}, {"protocol_traffic_month", "bucket"}, {"if_traffic_month", "bucket"}};
  static const std::vector<Timed> kRates = {{"snmp_rates", "at_s"}, {"snmp_samples", "at_s"}};
  static const std::vector<Timed> kNone;
  if (resolution == "minute") return kMinute;
  if (resolution == "hour") return kHour;
  if (resolution == "day") return kDay;
  if (resolution == "month") return kMonth;
  if (resolution == "rates") return kRates;
  return kNone;
}

Result<int64_t> cut(Database& db, const std::string& resolution, int64_t before_s) {
  int64_t n = 0;
  if (resolution == "hour" || resolution == "day" || resolution == "month") {
    // Hours go into the days and months before they go, and the days a cut removes are
    // folded first, so the views do not bring them back from the hours.
    if (Status s = fold_days(db, before_s); !s.ok()) return s.error();
  }
  for (const Timed& t : timed_tables(resolution)) {
    std::string sql = std::string("DELETE FROM ") + t.table + " WHERE " + t.time + " < ?1";
    auto st = Statement::prepare(db, sql.c_str());
    if (!st.ok()) return st.error();
    st->bind(1, before_s);
    if (st->step() != SQLITE_DONE) return db.error(sql, ErrorCode::kIo);
    n += sqlite3_changes(db.handle());
  }
  if (resolution == "minute") {
    // Flows are detail at the finest resolution: they go with the minutes.
    auto st = Statement::prepare(db, "DELETE FROM flows WHERE last_us < ?1 * 1000000");
    if (!st.ok()) return st.error();
    st->bind(1, before_s);
    if (st->step() != SQLITE_DONE) return db.error("prune flows", ErrorCode::kIo);
    n += sqlite3_changes(db.handle());
  }
  auto mark = Statement::prepare(
      db, "UPDATE retention SET pruned_before = max(pruned_before, ?2) WHERE resolution = ?1");
  if (!mark.ok()) return mark.error();
  mark->bind(1, resolution).bind(2, before_s);
  if (mark->step() != SQLITE_DONE) return db.error("update retention", ErrorCode::kIo);
  return n;
}

Result<int64_t> used_bytes(const Database& db) {
  auto pages = Scalar::get(db, "PRAGMA page_count");
  auto free = Scalar::get(db, "PRAGMA freelist_count");
  auto size = Scalar::get(db, "PRAGMA page_size");
  if (!pages.ok()) return pages.error();
  if (!free.ok()) return free.error();
  if (!size.ok()) return size.error();
  return (pages->value_or(0) - free->value_or(0)) * size->value_or(4096);
}

}  // namespace

const char* resolution_name(Resolution r) noexcept {
  switch (r) {
    case Resolution::kMinute: return "minute";
    case Resolution::kHour: return "hour";
    case Resolution::kDay: return "day";
    case Resolution::kMonth: return "month";
  }
  return "minute";
}

int64_t resolution_seconds(Resolution r) noexcept {
  switch (r) {
    case Resolution::kMinute: return 60;
    case Resolution::kHour: return 3600;
    case Resolution::kDay: return 86400;
    case Resolution::kMonth: return int64_t{31} * 86400;
  }
  return 60;
}

Result<Resolution> covering_resolution(const Database& db, int64_t since_s) {
  auto st = Statement::prepare(db, "SELECT resolution, pruned_before FROM retention");
  if (!st.ok()) return st.error();
  int64_t pruned[4] = {INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN};
  while (st->step() == SQLITE_ROW) {
    std::string r = st->text_at(0);
    for (int i = 0; i < 4; ++i) {
      if (r == resolution_name(static_cast<Resolution>(i))) pruned[i] = st->int_at(1);
    }
  }
  // An open start means "from the oldest data": months are kept longest, so theirs is it.
  if (since_s == INT64_MIN) {
    for (const char* base : {"host_traffic", "protocol_traffic", "if_traffic"}) {
      auto span = bucket_span(db, traffic_source(base, Resolution::kMonth), INT64_MIN, INT64_MAX);
      if (!span.ok()) return span.error();
      if (*span) since_s = since_s == INT64_MIN ? (*span)->first : std::min(since_s, (*span)->first);
    }
  }
  // The schema's "never pruned" mark is INT64_MIN + 1: an open start is covered by it.
  const int64_t since = std::max(since_s, INT64_MIN + 1);
  for (int i = 0; i < 3; ++i) {
    if (pruned[i] <= since) return static_cast<Resolution>(i);
  }
  return Resolution::kMonth;
}

Result<DbInfo> db_info(const Database& db) {
  DbInfo info;
  info.path = db.path();
  auto v = Scalar::get(db, "PRAGMA user_version");
  if (!v.ok()) return v.error();
  info.schema_version = static_cast<int>(v->value_or(0));
  auto used = used_bytes(db);
  if (!used.ok()) return used.error();
  info.used_bytes = *used;
  auto pages = Scalar::get(db, "PRAGMA page_count");
  auto size = Scalar::get(db, "PRAGMA page_size");
  if (pages.ok() && size.ok()) info.file_bytes = pages->value_or(0) * size->value_or(0);
  auto cap = Scalar::get(db, "SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'max_bytes'");
  if (cap.ok() && *cap) info.max_bytes = **cap;
  for (const char* res : {"minute", "hour", "day", "month", "rates"}) {
    for (const Timed& t : timed_tables(res)) {
      TableInfo ti;
      ti.name = t.table;
      auto n = Scalar::get(db, std::string("SELECT count(*) FROM ") + t.table);
      if (!n.ok()) return n.error();
      ti.rows = n->value_or(0);
      auto lo = Scalar::get(db, std::string("SELECT min(") + t.time + ") FROM " + t.table);
      auto hi = Scalar::get(db, std::string("SELECT max(") + t.time + ") FROM " + t.table);
      if (lo.ok()) ti.oldest_s = *lo;
      if (hi.ok()) ti.newest_s = *hi;
      info.tables.push_back(ti);
    }
  }
  for (const char* t : {"hosts", "flows", "capture_runs", "snmp_devices", "snmp_interfaces", "findings"}) {
    auto n = Scalar::get(db, std::string("SELECT count(*) FROM ") + t);
    if (!n.ok()) return n.error();
    info.tables.push_back(TableInfo{t, n->value_or(0), std::nullopt, std::nullopt});
  }
  auto st = Statement::prepare(db, "SELECT resolution, keep_s, pruned_before FROM retention ORDER BY rowid");
  if (!st.ok()) return st.error();
  while (st->step() == SQLITE_ROW) {
    RetentionInfo r;
    r.resolution = st->text_at(0);
    if (!st->is_null(1)) r.keep_s = st->int_at(1);
    if (st->int_at(2) > INT64_MIN + 1) r.pruned_before_s = st->int_at(2);
    info.retention.push_back(r);
  }
  return info;
}

namespace {

// Only netledger writes the retention ages and the size cap, always positive; a file edited
// by hand could hold anything, and a cut from the future or a cap of nothing (text that is
// no number reads as 0) would take every row. The prune stops and names the value.
Error none_of(const Database& db, const std::string& what, int64_t value, const char* unit, const char* kind,
              const std::string& fix) {
  return make_error(ErrorCode::kFormat, db.path() + ": the " + what + " is " + std::to_string(value) + " " +
                                            unit + ", which is no " + kind + "; set it with " + fix);
}

}  // namespace

Result<PruneResult> prune(Database& db, const PruneOptions& o) {
  PruneResult out;
  Transaction tx(db);
  if (!tx.began()) return db.error("BEGIN", ErrorCode::kIo);
  for (const auto& [res, keep] : o.keep) {
    if (timed_tables(res).empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "unknown resolution '" + res + "' (expected minute, hour, day, month or rates)");
    }
    auto st = Statement::prepare(db, "UPDATE retention SET keep_s = ?2 WHERE resolution = ?1");
    if (!st.ok()) return st.error();
    st->bind(1, res).bind(2, keep);
    if (st->step() != SQLITE_DONE) return db.error("update retention", ErrorCode::kIo);
  }
  if (o.max_bytes) {
    auto st = Statement::prepare(db, "INSERT OR REPLACE INTO settings(name, value) VALUES('max_bytes', ?1)");
    if (!st.ok()) return st.error();
    st->bind(1, std::to_string(*o.max_bytes));
    if (st->step() != SQLITE_DONE) return db.error("update settings", ErrorCode::kIo);
  }
  auto st = Statement::prepare(db, "SELECT resolution, keep_s FROM retention WHERE keep_s IS NOT NULL");
  if (!st.ok()) return st.error();
  std::vector<std::pair<std::string, int64_t>> rules;
  while (st->step() == SQLITE_ROW) rules.emplace_back(st->text_at(0), st->int_at(1));
  for (const auto& [res, keep] : rules) {
    int64_t before = 0;
    if (keep <= 0 || __builtin_sub_overflow(o.now_s, keep, &before)) {
      return none_of(db, "retention of " + res, keep, "s", "age", "--keep " + res + "=AGE");
    }
    auto n = cut(db, res, before);
    if (!n.ok()) return n.error();
    if (*n > 0)
      out.notes.push_back(res + ": " + counted(static_cast<unsigned long long>(*n), "row", "rows") +
                          " older than " + format_age(keep));
    out.rows_deleted += *n;
  }
  // The size cap: give up the finest, oldest data first, a day at a time.
  auto cap = Scalar::get(db, "SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'max_bytes'");
  if (!cap.ok()) return cap.error();
  if (*cap && **cap <= 0) return none_of(db, "size cap", **cap, "bytes", "size", "--max-size SIZE");
  if (*cap) {
    for (const char* res : {"minute", "rates", "hour", "day"}) {
      for (int guard = 0; guard < 4000; ++guard) {
        auto used = used_bytes(db);
        if (!used.ok()) return used.error();
        if (*used <= **cap) break;
        std::string oldest_sql =
            std::string("SELECT min(") + timed_tables(res)[0].time + ") FROM " + timed_tables(res)[0].table;
        auto oldest = Scalar::get(db, oldest_sql);
        if (!oldest.ok()) return oldest.error();
        if (!*oldest) break;
        auto n = cut(db, res, within_calendar(**oldest) + 86400);
        if (!n.ok()) return n.error();
        out.rows_deleted += *n;
        out.notes.push_back(std::string(res) + ": cut a day for the size cap");
      }
    }
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return out;
}

Status vacuum(Database& db) {
  return db.exec("VACUUM");
}

}  // namespace netledger::storage
