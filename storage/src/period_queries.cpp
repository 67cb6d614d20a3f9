#include "netledger/storage/period_queries.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>

#include "netledger/core/records.hpp"
#include "netledger/core/stats.hpp"
#include "netledger/core/time_format.hpp"
#include "statement.hpp"
#include "traffic_tables.hpp"

namespace netledger::storage {

namespace {

int64_t floor_to(int64_t t, int64_t step) {
  int64_t q = t / step - ((t % step != 0 && t < 0) ? 1 : 0);
  return q * step;
}

// The range a timeline spans: as asked, or what the table holds when open-ended.
Result<TimeRange> bounded(const Database& db, TimeRange range, const std::string& table,
                          const char* time_col) {
  if (range.since_s != INT64_MIN && range.until_s != INT64_MAX) return range;
  std::optional<std::pair<int64_t, int64_t>> span;
  if (std::string(time_col) == "bucket") {
    auto s = bucket_span(db, table, range.since_s, range.until_s);
    if (!s.ok()) return s.error();
    span = *s;
  } else {
    auto st =
        Statement::prepare(db, ("SELECT min(" + std::string(time_col) + "), max(" + time_col + ") FROM " +
                                table + " WHERE " + time_col + " >= ?1 AND " + time_col + " < ?2")
                                   .c_str());
    if (!st.ok()) return st.error();
    st->bind(1, range.since_s).bind(2, range.until_s);
    if (st->step() == SQLITE_ROW && !st->is_null(0))
      span = std::pair{within_calendar(st->int_at(0)), within_calendar(st->int_at(1))};
  }
  if (!span) return TimeRange{0, 0};
  TimeRange r = range;
  if (r.since_s == INT64_MIN) r.since_s = span->first;
  if (r.until_s == INT64_MAX) r.until_s = span->second + 1;
  return r;
}

// An open end of a timeline of one host: where that host was first or last seen, so the
// timeline spans its own minutes and not those of every host in the file (and nothing
// when the file has no such host).
Result<TimeRange> host_span(const Database& db, const std::string& host, TimeRange range) {
  if (range.since_s != INT64_MIN && range.until_s != INT64_MAX) return range;
  auto ip = IpAddr::parse(host);
  if (!ip) return range;  // refused with its message where the host is matched
  auto st = Statement::prepare(db, "SELECT first_seen, last_seen FROM hosts WHERE address = ?1");
  if (!st.ok()) return st.error();
  st->bind(1, ip->to_string());
  if (st->step() != SQLITE_ROW) return TimeRange{0, 0};  // no such host: nothing to show
  if (range.since_s == INT64_MIN) range.since_s = within_calendar(st->int_at(0));
  if (range.until_s == INT64_MAX) range.until_s = within_calendar(st->int_at(1)) + 60;
  return range;
}

}  // namespace

Result<Timeline> query_timeline(const Database& db, TimeRange range, int64_t step_s, SeriesBy by,
                                const Filter& filter, size_t top_series) {
  Timeline tl;
  const bool interfaces = by == SeriesBy::kInterface;
  const bool open_since = range.since_s == INT64_MIN;
  if (!filter.host.empty() && !interfaces) {
    auto span = host_span(db, filter.host, range);
    if (!span.ok()) return span.error();
    range = *span;
  }
  auto res = covering_resolution(db, range.since_s);
  if (!res.ok()) return res.error();
  tl.resolution = *res;
  // A start taken from the host's first minute goes back to the bucket that holds it.
  if (open_since && range.since_s != INT64_MIN) {
    range.since_s = *res == Resolution::kMonth ? month_start(range.since_s)
                                               : floor_to(range.since_s, resolution_seconds(*res));
  }
  std::string table;
  std::string base;  // host_traffic or protocol_traffic; empty for interfaces
  std::string time_col = "bucket";
  std::string key;
  std::string value;
  std::string value_out = "0";
  std::string join;
  std::string where = "1";
  std::vector<std::string> binds;
  std::optional<uint8_t> l4;
  if (!filter.protocol.empty()) l4 = ip_proto_number(filter.protocol);
  const bool host_side = !interfaces && (by == SeriesBy::kHost || by == SeriesBy::kApp ||
                                         !filter.host.empty() || (!filter.protocol.empty() && !l4));
  if (interfaces) {
    join =
        " JOIN snmp_devices d ON d.id = t.device_id LEFT JOIN snmp_interfaces i ON i.device_id = t.device_id "
        "AND i.if_index = t.if_index";
    key = "d.name || ' ' || coalesce(nullif(i.name, ''), i.descr, t.if_index)";
    if (*res == Resolution::kMinute) {
      table = "snmp_rates";
      time_col = "at_s";
      value = "t.in_bps * t.interval_s / 8";
      value_out = "t.out_bps * t.interval_s / 8";
    } else {
      table = std::string("if_traffic_") + resolution_name(*res);
      value = "t.in_bytes";
      value_out = "t.out_bytes";
    }
    if (!filter.device.empty()) {
      where += " AND d.name = ?";
      binds.push_back(filter.device);
    }
    if (!filter.port.empty()) {
      where += " AND (i.name = ? OR i.descr = ? OR CAST(t.if_index AS TEXT) = ?)";
      binds.insert(binds.end(), {filter.port, filter.port, filter.port});
    }
  } else if (host_side) {
    base = "host_traffic";
    table = traffic_source(base, *res);
    value = filter.host.empty() ? "t.bytes_sent" : "t.bytes_sent + t.bytes_received";
    if (by == SeriesBy::kHost) {
      join = " JOIN hosts h ON h.id = t.host_id";
      key = "h.address";
      value = "t.bytes_sent + t.bytes_received";
    } else if (by == SeriesBy::kApp) {
      join = " JOIN labels l ON l.id = t.app_id";
      key = "l.name";
    } else if (by == SeriesBy::kProtocol) {
      key = "t.ip_proto";
    } else {
      key = "'total'";
    }
    if (!filter.host.empty()) {
      auto ip = IpAddr::parse(filter.host);
      if (!ip)
        return make_error(ErrorCode::kInvalidArgument, "--host '" + filter.host + "' is not an IP address");
      where += " AND t.host_id = (SELECT id FROM hosts WHERE address = ?)";
      binds.push_back(ip->to_string());
    }
  } else {
    base = "protocol_traffic";
    table = traffic_source(base, *res);
    value = "t.bytes";
    key = by == SeriesBy::kProtocol ? "t.ip_proto" : "'total'";
  }
  if (!filter.protocol.empty() && !interfaces) {
    if (l4) {
      where += " AND t.ip_proto = " + std::to_string(int{*l4});
    } else {
      where += " AND t.app_id IN (SELECT id FROM labels WHERE name = ? COLLATE NOCASE)";
      binds.push_back(filter.protocol);
    }
  }
  auto b = bounded(db, range, table, time_col.c_str());
  if (!b.ok()) return b.error();
  const int64_t min_step = resolution_seconds(*res);
  tl.step_s = std::max(step_s, *res == Resolution::kMonth ? 86400 : min_step);
  if (b->until_s <= b->since_s) return tl;
  const int64_t origin = floor_to(b->since_s, tl.step_s);
  const auto steps = static_cast<size_t>((b->until_s - origin + tl.step_s - 1) / tl.step_s);
  if (steps > 100'000) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "--step is too fine for this range (" + std::to_string(steps) + " points); choose a coarser one");
  }
  for (size_t i = 0; i < steps; ++i) tl.starts.push_back(origin + static_cast<int64_t>(i) * tl.step_s);
  if (!base.empty()) {
    auto rows = traffic_rows(db, base, *res, b->since_s, b->until_s);
    if (!rows.ok()) return rows.error();
    table = *rows;
  }
  std::string sql = "SELECT (t." + time_col + " - ?1) / ?2, " + key + ", sum(" + value + "), sum(" +
                    value_out + ") FROM " + table + " t" + join + " WHERE t." + time_col + " >= ?3 AND t." +
                    time_col + " < ?4 AND " + where + " GROUP BY 1, 2";
  auto st = Statement::prepare(db, sql.c_str());
  if (!st.ok()) return st.error();
  st->bind(1, origin).bind(2, tl.step_s).bind(3, b->since_s).bind(4, b->until_s);
  for (size_t i = 0; i < binds.size(); ++i) st->bind(static_cast<int>(5 + i), binds[i]);
  std::map<std::string, Series> all;
  std::map<std::string, double> totals;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    int64_t k = st->int_at(0);
    if (k < 0 || static_cast<size_t>(k) >= steps) continue;
    std::string name = st->text_at(1);
    if (key == "t.ip_proto") name = ip_proto_name(static_cast<uint8_t>(st->int_at(1)));
    Series& s = all[name];
    if (s.values.empty()) {
      s.name = name;
      s.values.assign(steps, 0);
      s.values_out.assign(steps, 0);
    }
    s.values[static_cast<size_t>(k)] += st->double_at(2);
    s.values_out[static_cast<size_t>(k)] += st->double_at(3);
    totals[name] += st->double_at(2) + st->double_at(3);
  }
  if (rc != SQLITE_DONE) return db.error("query timeline");
  std::vector<std::string> order;
  order.reserve(totals.size());
  for (const auto& [name, t] : totals) order.push_back(name);
  std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& c) {
    return totals[a] != totals[c] ? totals[a] > totals[c] : a < c;
  });
  Series other{"other", std::vector<double>(steps, 0), std::vector<double>(steps, 0)};
  bool has_other = false;
  for (size_t i = 0; i < order.size(); ++i) {
    Series& s = all[order[i]];
    if (top_series == 0 || i < top_series) {
      tl.series.push_back(std::move(s));
    } else {
      has_other = true;
      for (size_t k = 0; k < steps; ++k) {
        other.values[k] += s.values[k];
        other.values_out[k] += s.values_out[k];
      }
    }
  }
  if (has_other) tl.series.push_back(std::move(other));
  return tl;
}

Result<std::vector<PeriodRow>> query_summary(const Database& db, TimeRange range, bool monthly,
                                             int billing_day, int64_t now_s) {
  // Days are the unit; minutes or hours stand in where days would be coarser than asked.
  auto res = covering_resolution(db, range.since_s);
  if (!res.ok()) return res.error();
  Resolution r = *res == Resolution::kMonth ? Resolution::kDay : std::max(*res, Resolution::kDay);
  if (*res == Resolution::kMonth) r = Resolution::kMonth;
  auto table = traffic_rows(db, "protocol_traffic", r, range.since_s, range.until_s);
  if (!table.ok()) return table.error();
  auto st = Statement::prepare(db, ("SELECT bucket, sum(bytes), sum(packets), sum(flows) FROM " + *table +
                                    " WHERE bucket >= ?1 AND bucket < ?2 GROUP BY bucket ORDER BY bucket")
                                       .c_str());
  if (!st.ok()) return st.error();
  st->bind(1, range.since_s).bind(2, range.until_s);
  std::map<int64_t, PeriodRow> periods;
  auto period_of = [&](int64_t t) -> std::pair<int64_t, int64_t> {
    if (!monthly) return {day_start(t), day_start(t) + 86400};
    // A billing month runs from day N of one month to day N of the next.
    int64_t m = month_start(t);
    int64_t start = m + (billing_day - 1) * int64_t{86400};
    if (t < start) {
      int64_t prev = month_start(m - 1);
      return {prev + (billing_day - 1) * int64_t{86400}, start};
    }
    return {start, next_month(m) + (billing_day - 1) * int64_t{86400}};
  };
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    auto [start, end] = period_of(st->int_at(0));
    PeriodRow& p = periods[start];
    p.start_s = start;
    p.end_s = end;
    p.bytes += static_cast<uint64_t>(st->int_at(1));
    p.packets += static_cast<uint64_t>(st->int_at(2));
    p.flows += static_cast<uint64_t>(st->int_at(3));
  }
  if (rc != SQLITE_DONE) return db.error("query summary");
  std::vector<PeriodRow> out;
  for (auto& [start, p] : periods) {
    if (now_s >= p.start_s && now_s < p.end_s) {
      p.current = true;
      auto elapsed = static_cast<double>(now_s - p.start_s);
      auto length = static_cast<double>(p.end_s - p.start_s);
      p.estimate_bytes = elapsed > 0 ? static_cast<double>(p.bytes) * length / elapsed : 0;
    }
    out.push_back(p);
  }
  return out;
}

Result<std::vector<InterfaceUsage>> query_interface_usage(const Database& db, const Filter& filter,
                                                          TimeRange range) {
  auto st = Statement::prepare(
      db,
      "SELECT d.name, r.if_index, coalesce(i.name, ''), coalesce(i.alias, ''), coalesce(i.speed_bps, 0), "
      "r.at_s, "
      "r.interval_s, r.in_bps, r.out_bps FROM snmp_rates r JOIN snmp_devices d ON d.id = r.device_id "
      "LEFT JOIN snmp_interfaces i ON i.device_id = r.device_id AND i.if_index = r.if_index "
      "WHERE r.at_s >= ?1 AND r.at_s < ?2 AND (?3 = '' OR d.name = ?3) "
      "AND (?4 = '' OR i.name = ?4 OR i.descr = ?4 OR CAST(r.if_index AS TEXT) = ?4) "
      "ORDER BY d.name, r.if_index, r.at_s");
  if (!st.ok()) return st.error();
  st->bind(1, range.since_s).bind(2, range.until_s).bind(3, filter.device).bind(4, filter.port);
  std::vector<InterfaceUsage> out;
  std::vector<double> weights;
  auto finish = [&]() {
    if (out.empty()) return;
    InterfaceUsage& u = out.back();
    double secs = 0;
    double in = 0;
    double outb = 0;
    for (size_t i = 0; i < u.in_bps.size(); ++i) {
      secs += weights[i];
      in += u.in_bps[i] * weights[i];
      outb += u.out_bps[i] * weights[i];
      u.max_in_bps = std::max(u.max_in_bps, u.in_bps[i]);
      u.max_out_bps = std::max(u.max_out_bps, u.out_bps[i]);
    }
    u.avg_in_bps = secs > 0 ? in / secs : 0;
    u.avg_out_bps = secs > 0 ? outb / secs : 0;
    u.p95_in_bps = percentile95(u.in_bps);
    u.p95_out_bps = percentile95(u.out_bps);
    u.samples = u.in_bps.size();
    weights.clear();
  };
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    std::string device = st->text_at(0);
    int64_t index = st->int_at(1);
    if (out.empty() || out.back().device != device || out.back().if_index != index) {
      finish();
      InterfaceUsage u;
      u.device = device;
      u.if_index = index;
      u.name = st->text_at(2);
      u.alias = st->text_at(3);
      u.speed_bps = st->int_at(4);
      out.push_back(std::move(u));
    }
    InterfaceUsage& u = out.back();
    u.at_s.push_back(st->int_at(5));
    weights.push_back(st->double_at(6));
    u.in_bps.push_back(st->double_at(7));
    u.out_bps.push_back(st->double_at(8));
  }
  if (rc != SQLITE_DONE) return db.error("query interface usage");
  finish();
  return out;
}

}  // namespace netledger::storage
