#include "traffic_tables.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "hour_sums.hpp"
#include "netledger/core/time_format.hpp"
#include "statement.hpp"

namespace netledger::storage {

namespace {

Result<Span> span_of(const Database& db, const std::string& sql, int64_t since_s, int64_t until_s) {
  auto st = Statement::prepare(db, sql.c_str());
  if (!st.ok()) return st.error();
  st->bind(1, since_s).bind(2, until_s);
  const int rc = st->step();
  if (rc != SQLITE_ROW) return db.error(sql);
  if (st->is_null(0)) return Span{};
  return Span{std::pair{within_calendar(st->int_at(0)), within_calendar(st->int_at(1))}};
}

// The hours not folded yet whose day (month) falls in [since, until), as [from, to).
std::pair<int64_t, int64_t> unfolded_hours(int64_t folded, bool month, int64_t since_s, int64_t until_s) {
  return {std::max(folded, period_start_from(since_s, month)), period_start_from(until_s, month)};
}

}  // namespace

int64_t period_start_from(int64_t t, bool month) {
  if (t == INT64_MIN || t == INT64_MAX) return t;
  const int64_t p = month ? month_start(t) : day_start(t);
  if (p == t) return t;
  return month ? next_month(p) : p + 86400;
}

std::string traffic_source(const std::string& base, Resolution r) {
  std::string table = base + "_" + resolution_name(r);
  const bool folded = r == Resolution::kDay || r == Resolution::kMonth;
  if (folded && (base == "host_traffic" || base == "protocol_traffic")) return "v_" + table;
  return table;
}

Result<std::string> traffic_rows(const Database& db, const std::string& base, Resolution r, int64_t since_s,
                                 int64_t until_s) {
  auto selects = traffic_selects(db, base, r, since_s, until_s);
  if (!selects.ok()) return selects;
  return "(" + *selects + ")";
}

Result<std::string> traffic_selects(const Database& db, const std::string& base, Resolution r,
                                    int64_t since_s, int64_t until_s) {
  const std::string table = base + "_" + resolution_name(r);
  auto range = [](int64_t from, int64_t to) {
    return " WHERE bucket >= " + std::to_string(from) + " AND bucket < " + std::to_string(to);
  };
  std::string sql = "SELECT * FROM " + table + range(since_s, until_s);
  if (traffic_source(base, r) != table) {
    auto folded_from = folded_before(db);
    if (!folded_from.ok()) return folded_from.error();
    const bool month = r == Resolution::kMonth;
    const auto [from, to] = unfolded_hours(*folded_from, month, since_s, until_s);
    if (from < to) {
      const std::string period = month ? kMonthOfBucket : kDayOfBucket;
      const std::string rest = base == "host_traffic"
                                   ? "host_id, ip_proto, app_id, packets_sent, bytes_sent, packets_received, "
                                     "bytes_received, flows"
                                   : "ip_proto, packets, bytes, flows";
      sql += " UNION ALL SELECT " + period + ", " + rest + " FROM " + base + "_hour" + range(from, to);
    }
  }
  return sql;
}

Result<Span> bucket_span(const Database& db, const std::string& source, int64_t since_s, int64_t until_s) {
  const std::string range = " WHERE bucket >= ?1 AND bucket < ?2";
  if (!source.starts_with("v_"))
    return span_of(db, "SELECT min(bucket), max(bucket) FROM " + source + range, since_s, until_s);
  const std::string table = source.substr(2);
  auto folded = span_of(db, "SELECT min(bucket), max(bucket) FROM " + table + range, since_s, until_s);
  if (!folded.ok()) return folded;
  // The hours not folded yet whose day (or month) is in the range.
  const bool month = source.ends_with("_month");
  auto period = [&](int64_t t) { return month ? month_start(t) : day_start(t); };
  auto folded_from = folded_before(db);
  if (!folded_from.ok()) return folded_from.error();
  const std::string hours = table.substr(0, table.rfind('_')) + "_hour";
  const auto [from, to] = unfolded_hours(*folded_from, month, since_s, until_s);
  auto open = span_of(db, "SELECT min(bucket), max(bucket) FROM " + hours + range, from, to);
  if (!open.ok()) return open;
  if (*open) *open = std::pair{period((*open)->first), period((*open)->second)};
  if (!*folded) return open;
  if (!*open) return folded;
  return Span{
      std::pair{std::min((*folded)->first, (*open)->first), std::max((*folded)->second, (*open)->second)}};
}

}  // namespace netledger::storage
