#include "netledger/storage/queries.hpp"

#include <sqlite3.h>

#include <optional>
#include <string>

#include "netledger/core/time_format.hpp"
#include "netledger/storage/maintenance.hpp"
#include "statement.hpp"
#include "traffic_tables.hpp"

namespace netledger::storage {

namespace {

int64_t sql_limit(size_t limit) {
  return limit == 0 ? -1 : static_cast<int64_t>(limit);
}

// The rows for a range: from the finest table that covers it, except that the whole
// coarser buckets inside the range are read from the next table up (a year of days is
// read as the months in it plus the days at either end). Returns a FROM-clause source.
Result<std::string> table_for(const Database& db, const char* base, TimeRange range) {
  auto res = covering_resolution(db, range.since_s);
  if (!res.ok()) return res.error();
  if (*res == Resolution::kMonth) return traffic_rows(db, base, *res, range.since_s, range.until_s);
  if (range.since_s == INT64_MIN || range.until_s == INT64_MAX) {
    // An open end stops where the data does.
    auto span = bucket_span(db, traffic_source(base, *res), INT64_MIN, INT64_MAX);
    if (!span.ok()) return span.error();
    if (!*span) return traffic_rows(db, base, *res, range.since_s, range.until_s);
    if (range.since_s == INT64_MIN) range.since_s = (*span)->first;
    if (range.until_s == INT64_MAX) range.until_s = (*span)->second + 1;
  }
  const auto up = static_cast<Resolution>(static_cast<int>(*res) + 1);
  auto align_up = [&](int64_t t) {
    switch (up) {
      case Resolution::kHour: return hour_start(t + 3599);
      case Resolution::kDay: return day_start(t + 86399);
      default: return month_start(t) == t ? t : next_month(month_start(t));
    }
  };
  auto align_down = [&](int64_t t) {
    switch (up) {
      case Resolution::kHour: return hour_start(t);
      case Resolution::kDay: return day_start(t);
      default: return month_start(t);
    }
  };
  const int64_t lo = align_up(range.since_s);
  const int64_t hi = align_down(range.until_s);
  if (lo >= hi) return traffic_rows(db, base, *res, range.since_s, range.until_s);
  // Three ranges, each a plain range on the leading key column so each reads only its rows.
  std::string sql = "(";
  const std::pair<Resolution, std::pair<int64_t, int64_t>> parts[3] = {
      {*res, {range.since_s, lo}}, {up, {lo, hi}}, {*res, {hi, range.until_s}}};
  for (const auto& [r, span] : parts) {
    auto selects = traffic_selects(db, base, r, span.first, span.second);
    if (!selects.ok()) return selects.error();
    if (sql.size() > 1) sql += " UNION ALL ";
    sql += *selects;
  }
  return sql + ")";
}

std::string with_table(std::string sql, const std::string& placeholder, const std::string& table) {
  for (size_t at = sql.find(placeholder); at != std::string::npos; at = sql.find(placeholder, at)) {
    sql.replace(at, placeholder.size(), table);
  }
  return sql;
}

template <class Row, class Fill, class BindMore = void (*)(Statement&)>
Result<std::vector<Row>> collect(
    const Database& db, const std::string& sql, TimeRange range, size_t limit, Fill fill,
    BindMore bind_more = [](Statement&) {}) {
  auto st = Statement::prepare(db, sql.c_str());
  if (!st.ok()) return st.error();
  st->bind(1, range.since_s).bind(2, range.until_s).bind(3, sql_limit(limit));
  bind_more(*st);
  std::vector<Row> rows;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    rows.emplace_back();
    fill(*st, rows.back());
  }
  if (rc != SQLITE_DONE) return db.error("query");
  return rows;
}

}  // namespace

Result<std::vector<HostRow>> query_hosts(const Database& db, TimeRange range, size_t limit) {
  constexpr const char* kSql =
      // Aggregate first, then name: SQLite would evaluate per-host lookups for every row
      // of an aggregate query, not once per host.
      "WITH agg AS (SELECT t.host_id, sum(t.packets_sent) AS ps, sum(t.bytes_sent) AS bs, "
      "sum(t.packets_received) AS pr, sum(t.bytes_received) AS br, sum(t.flows) AS fl, min(t.bucket) AS lo, "
      "max(t.bucket) AS hi FROM HOST_TRAFFIC t WHERE t.bucket >= ?1 AND t.bucket < ?2 GROUP BY t.host_id "
      "ORDER BY bs + br DESC LIMIT ?3) "
      "SELECT h.address, a.ps, a.bs, a.pr, a.br, a.fl, a.lo, a.hi, "
      "(SELECT group_concat(name, ' ') FROM (SELECT name FROM host_names WHERE host_id = h.id "
      "GROUP BY name ORDER BY max(last_seen) DESC, name)), "
      "(SELECT mac FROM host_macs WHERE host_id = h.id ORDER BY last_seen DESC, mac LIMIT 1) "
      "FROM agg a JOIN hosts h ON h.id = a.host_id ORDER BY a.bs + a.br DESC, h.address";
  auto table = table_for(db, "host_traffic", range);
  if (!table.ok()) return table.error();
  return collect<HostRow>(db, with_table(kSql, "HOST_TRAFFIC", *table), range, limit,
                          [](Statement& s, HostRow& r) {
                            r.address = s.text_at(0);
                            r.packets_sent = static_cast<uint64_t>(s.int_at(1));
                            r.bytes_sent = static_cast<uint64_t>(s.int_at(2));
                            r.packets_received = static_cast<uint64_t>(s.int_at(3));
                            r.bytes_received = static_cast<uint64_t>(s.int_at(4));
                            r.flows = static_cast<uint64_t>(s.int_at(5));
                            r.first_seen_s = s.int_at(6);
                            r.last_seen_s = s.int_at(7);
                            r.names = s.text_at(8);
                            r.mac = s.text_at(9);
                          });
}

Result<std::vector<ProtocolRow>> query_protocols(const Database& db, TimeRange range, size_t limit) {
  constexpr const char* kSql =
      "SELECT ip_proto, sum(packets), sum(bytes), sum(flows) FROM PROTOCOL_TRAFFIC "
      "WHERE bucket >= ?1 AND bucket < ?2 GROUP BY ip_proto ORDER BY sum(bytes) DESC, ip_proto LIMIT ?3";
  auto table = table_for(db, "protocol_traffic", range);
  if (!table.ok()) return table.error();
  return collect<ProtocolRow>(db, with_table(kSql, "PROTOCOL_TRAFFIC", *table), range, limit,
                              [](Statement& s, ProtocolRow& r) {
                                r.ip_proto = static_cast<uint8_t>(s.int_at(0));
                                r.l4 = ip_proto_name(r.ip_proto);
                                r.packets = static_cast<uint64_t>(s.int_at(1));
                                r.bytes = static_cast<uint64_t>(s.int_at(2));
                                r.flows = static_cast<uint64_t>(s.int_at(3));
                              });
}

Result<std::vector<FlowRow>> query_flows(const Database& db, TimeRange range, size_t limit,
                                         const FlowFilter& filter) {
  // The range is in seconds, flow times in microseconds; clamp so the product cannot overflow.
  constexpr const char* kSql =
      "SELECT run_id, ip_proto, c.address, client_port, s.address, server_port, vlan, outer_vlan, tunnel, "
      "first_us, last_us, packets_c2s, bytes_c2s, packets_s2c, bytes_s2c, end_reason, guessed, "
      "(SELECT name FROM labels WHERE id = ndpi_id), (SELECT name FROM labels WHERE id = app_id), "
      "(SELECT name FROM labels WHERE id = master_id), (SELECT name FROM labels WHERE id = category_id) "
      "FROM flows f JOIN hosts c ON c.id = f.client_id JOIN hosts s ON s.id = f.server_id "
      "WHERE last_us >= max(?1, -9223372036854) * 1000000 AND first_us < min(?2, 9223372036854) * 1000000 "
      "AND (?4 IS NULL OR c.address = ?4 OR s.address = ?4) AND (?5 IS NULL OR f.ip_proto = ?5) "
      "AND (?6 IS NULL OR EXISTS (SELECT 1 FROM labels l WHERE l.id IN (f.ndpi_id, f.app_id, f.master_id) "
      "AND l.name = ?6 COLLATE NOCASE)) "
      "ORDER BY bytes_c2s + bytes_s2c DESC, first_us, f.id LIMIT ?3";
  std::optional<std::string> host;
  if (!filter.host.empty()) {
    auto ip = IpAddr::parse(filter.host);
    if (!ip)
      return make_error(ErrorCode::kInvalidArgument, "--host '" + filter.host + "' is not an IP address");
    host = ip->to_string();
  }
  std::optional<uint8_t> l4;
  if (!filter.protocol.empty()) l4 = ip_proto_number(filter.protocol);
  auto bind_filter = [&](Statement& st) {
    if (host) st.bind(4, *host);
    if (l4) st.bind(5, int{*l4});
    if (!filter.protocol.empty() && !l4) st.bind(6, filter.protocol);
  };
  return collect<FlowRow>(
      db, kSql, range, limit,
      [](Statement& s, FlowRow& r) {
        FlowRecord& f = r.flow;
        r.run_id = s.int_at(0);
        f.ip_proto = static_cast<uint8_t>(s.int_at(1));
        f.client = IpAddr::parse(s.text_at(2)).value_or(IpAddr{});
        f.client_port = static_cast<uint16_t>(s.int_at(3));
        f.server = IpAddr::parse(s.text_at(4)).value_or(IpAddr{});
        f.server_port = static_cast<uint16_t>(s.int_at(5));
        f.vlan = static_cast<uint16_t>(s.int_at(6));
        f.outer_vlan = static_cast<uint16_t>(s.int_at(7));
        f.tunnel = s.int_at(8) != 0;
        f.first_us = s.int_at(9);
        f.last_us = s.int_at(10);
        f.packets_c2s = static_cast<uint64_t>(s.int_at(11));
        f.bytes_c2s = static_cast<uint64_t>(s.int_at(12));
        f.packets_s2c = static_cast<uint64_t>(s.int_at(13));
        f.bytes_s2c = static_cast<uint64_t>(s.int_at(14));
        std::string end = s.text_at(15);
        for (FlowEnd e : {FlowEnd::kIdle, FlowEnd::kActive, FlowEnd::kClosed, FlowEnd::kEvicted,
                          FlowEnd::kEndOfCapture}) {
          if (end == flow_end_name(e)) f.end = e;
        }
        f.app.guessed = s.int_at(16) != 0;
        r.ndpi = s.text_at(17);
        r.app = s.text_at(18);
        r.master = s.text_at(19);
        r.category = s.text_at(20);
      },
      bind_filter);
}

Result<std::vector<AppRow>> query_apps(const Database& db, TimeRange range, size_t limit) {
  constexpr const char* kSql =
      "WITH traffic AS (SELECT app_id, sum(packets_sent) AS packets, sum(bytes_sent) AS bytes "
      "FROM HOST_TRAFFIC WHERE bucket >= ?1 AND bucket < ?2 GROUP BY app_id), "
      "started AS (SELECT app_id, count(*) AS flows FROM flows "
      "WHERE first_us >= max(?1, -9223372036854) * 1000000 AND first_us < min(?2, 9223372036854) * 1000000 "
      "GROUP BY app_id), "
      // An application can have flows and no traffic: a flow still being classified when
      // its minutes closed charged them to Unknown (see the README).
      "apps AS (SELECT app_id FROM traffic UNION SELECT app_id FROM started) "
      "SELECT l.name, coalesce(t.packets, 0), coalesce(t.bytes, 0), coalesce(s.flows, 0) FROM apps a "
      "JOIN labels l ON l.id = a.app_id LEFT JOIN traffic t ON t.app_id = a.app_id "
      "LEFT JOIN started s ON s.app_id = a.app_id ORDER BY 3 DESC, 4 DESC, l.name LIMIT ?3";
  auto table = table_for(db, "host_traffic", range);
  if (!table.ok()) return table.error();
  return collect<AppRow>(db, with_table(kSql, "HOST_TRAFFIC", *table), range, limit,
                         [](Statement& s, AppRow& r) {
                           r.app = s.text_at(0);
                           r.packets = static_cast<uint64_t>(s.int_at(1));
                           r.bytes = static_cast<uint64_t>(s.int_at(2));
                           r.flows = static_cast<uint64_t>(s.int_at(3));
                         });
}

Result<HostDetail> query_host(const Database& db, const std::string& address, TimeRange range, size_t limit) {
  auto canonical = IpAddr::parse(address);
  if (!canonical) return make_error(ErrorCode::kInvalidArgument, "'" + address + "' is not an IP address");
  const std::string addr = canonical->to_string();
  auto id_st = Statement::prepare(db, "SELECT id, first_seen, last_seen FROM hosts WHERE address = ?1");
  if (!id_st.ok()) return id_st.error();
  id_st->bind(1, addr);
  if (id_st->step() != SQLITE_ROW) {
    return make_error(ErrorCode::kNotFound, addr + ": no such host in " + db.path());
  }
  const int64_t id = id_st->int_at(0);
  HostDetail d;
  d.totals.address = addr;
  d.totals.first_seen_s = id_st->int_at(1);
  d.totals.last_seen_s = id_st->int_at(2);

  auto bind_all = [&](Statement& st) {
    st.bind(1, range.since_s).bind(2, range.until_s).bind(3, sql_limit(limit)).bind(4, id);
  };
  auto host_table = table_for(db, "host_traffic", range);
  if (!host_table.ok()) return host_table.error();
  auto proto = Statement::prepare(
      db,
      with_table("SELECT t.ip_proto, l.name, sum(packets_sent), sum(bytes_sent), sum(packets_received), "
                 "sum(bytes_received), "
                 "sum(flows) FROM HOST_TRAFFIC t JOIN labels l ON l.id = t.app_id "
                 "WHERE t.host_id = ?4 AND t.bucket >= ?1 AND t.bucket < ?2 GROUP BY t.ip_proto, t.app_id "
                 "ORDER BY sum(bytes_sent) + sum(bytes_received) DESC, l.name LIMIT ?3",
                 "HOST_TRAFFIC", *host_table)
          .c_str());
  if (!proto.ok()) return proto.error();
  bind_all(*proto);
  proto->bind(3, int64_t{-1});  // the totals take every row; the list only the top ones
  while (proto->step() == SQLITE_ROW) {
    HostDetail::Protocol p;
    p.l4 = ip_proto_name(static_cast<uint8_t>(proto->int_at(0)));
    p.app = proto->text_at(1);
    p.packets_sent = static_cast<uint64_t>(proto->int_at(2));
    p.bytes_sent = static_cast<uint64_t>(proto->int_at(3));
    p.packets_received = static_cast<uint64_t>(proto->int_at(4));
    p.bytes_received = static_cast<uint64_t>(proto->int_at(5));
    p.flows = static_cast<uint64_t>(proto->int_at(6));
    HostRow& t = d.totals;
    t.packets_sent += p.packets_sent;
    t.bytes_sent += p.bytes_sent;
    t.packets_received += p.packets_received;
    t.bytes_received += p.bytes_received;
    t.flows += p.flows;
    if (limit == 0 || d.protocols.size() < limit) d.protocols.push_back(std::move(p));
  }
  auto peers = Statement::prepare(
      db,
      "WITH mine AS (SELECT CASE WHEN client_id = ?4 THEN server_id ELSE client_id END AS peer, "
      "CASE WHEN client_id = ?4 THEN bytes_c2s ELSE bytes_s2c END AS sent, "
      "CASE WHEN client_id = ?4 THEN bytes_s2c ELSE bytes_c2s END AS received, app_id FROM flows "
      "WHERE (client_id = ?4 OR server_id = ?4) "
      "AND last_us >= max(?1, -9223372036854) * 1000000 AND first_us < min(?2, 9223372036854) * 1000000) "
      "SELECT h.address, count(*), sum(sent), sum(received), "
      "(SELECT group_concat(name, ' ') FROM (SELECT DISTINCT l.name FROM mine m2 JOIN labels l ON l.id = "
      "m2.app_id "
      "WHERE m2.peer = mine.peer ORDER BY l.name)) "
      "FROM mine JOIN hosts h ON h.id = mine.peer GROUP BY peer "
      "ORDER BY sum(sent) + sum(received) DESC, h.address LIMIT ?3");
  if (!peers.ok()) return peers.error();
  bind_all(*peers);
  while (peers->step() == SQLITE_ROW) {
    d.peers.push_back(HostDetail::Peer{peers->text_at(0), static_cast<uint64_t>(peers->int_at(1)),
                                       static_cast<uint64_t>(peers->int_at(2)),
                                       static_cast<uint64_t>(peers->int_at(3)), peers->text_at(4)});
  }
  auto names =
      Statement::prepare(db,
                         "SELECT name, source, first_seen, last_seen FROM host_names WHERE host_id = ?1 "
                         "ORDER BY last_seen DESC, name");
  if (!names.ok()) return names.error();
  names->bind(1, id);
  while (names->step() == SQLITE_ROW) {
    d.names.push_back(
        HostDetail::Name{names->text_at(0), names->text_at(1), names->int_at(2), names->int_at(3)});
  }
  auto macs = Statement::prepare(
      db, "SELECT mac, first_seen, last_seen FROM host_macs WHERE host_id = ?1 ORDER BY last_seen DESC, mac");
  if (!macs.ok()) return macs.error();
  macs->bind(1, id);
  while (macs->step() == SQLITE_ROW) {
    d.macs.push_back(HostDetail::Mac{macs->text_at(0), macs->int_at(1), macs->int_at(2)});
  }
  return d;
}

Result<std::vector<RunRow>> query_runs(const Database& db, TimeRange range, size_t limit) {
  constexpr const char* kSql =
      "SELECT id, kind, source, started_s, coalesce(finished_s, 0), coalesce(first_packet_us, 0), "
      "coalesce(last_packet_us, 0), packets_read, bytes_read, bytes_captured, packets_decoded, "
      "non_ip_packets, "
      "drops_kernel, drops_interface, flows_seen, flows_evicted, status, coalesce(error, '') FROM "
      "capture_runs "
      "WHERE coalesce(last_packet_us / 1000000, finished_s, started_s) >= ?1 "
      "AND coalesce(first_packet_us / 1000000, started_s) < ?2 ORDER BY id LIMIT ?3";
  auto rows = collect<RunRow>(db, kSql, range, limit, [](Statement& s, RunRow& r) {
    CaptureStats& c = r.stats;
    r.id = s.int_at(0);
    c.kind = s.text_at(1);
    c.source = s.text_at(2);
    c.started_s = s.int_at(3);
    c.finished_s = s.int_at(4);
    c.first_packet_us = s.int_at(5);
    c.last_packet_us = s.int_at(6);
    c.packets_read = static_cast<uint64_t>(s.int_at(7));
    c.bytes_read = static_cast<uint64_t>(s.int_at(8));
    c.bytes_captured = static_cast<uint64_t>(s.int_at(9));
    c.packets_decoded = static_cast<uint64_t>(s.int_at(10));
    c.non_ip_packets = static_cast<uint64_t>(s.int_at(11));
    c.drops_kernel = static_cast<uint64_t>(s.int_at(12));
    c.drops_interface = static_cast<uint64_t>(s.int_at(13));
    c.flows_seen = static_cast<uint64_t>(s.int_at(14));
    c.flows_evicted = static_cast<uint64_t>(s.int_at(15));
    c.status = s.text_at(16);
    c.error = s.text_at(17);
  });
  if (!rows.ok()) return rows;
  auto an =
      Statement::prepare(db, "SELECT name, count FROM capture_anomalies WHERE run_id = ?1 ORDER BY name");
  if (!an.ok()) return an.error();
  for (RunRow& r : *rows) {
    an->reset();
    an->bind(1, r.id);
    while (an->step() == SQLITE_ROW)
      r.stats.anomalies.emplace_back(an->text_at(0), static_cast<uint64_t>(an->int_at(1)));
  }
  return rows;
}

}  // namespace netledger::storage
