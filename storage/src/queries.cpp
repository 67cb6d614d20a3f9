#include "netledger/storage/queries.hpp"

#include <sqlite3.h>

#include "statement.hpp"

namespace netledger::storage {

namespace {

int64_t sql_limit(size_t limit) {
  return limit == 0 ? -1 : static_cast<int64_t>(limit);
}

template <class Row, class Fill>
Result<std::vector<Row>> collect(const Database& db, const char* sql, TimeRange range, size_t limit,
                                 Fill fill) {
  auto st = Statement::prepare(db, sql);
  if (!st.ok()) return st.error();
  st->bind(1, range.since_s).bind(2, range.until_s).bind(3, sql_limit(limit));
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
      "SELECT h.address, sum(t.packets_sent), sum(t.bytes_sent), sum(t.packets_received), "
      "sum(t.bytes_received), "
      "sum(t.flows), min(t.bucket), max(t.bucket) FROM host_traffic_minute t JOIN hosts h ON h.id = "
      "t.host_id "
      "WHERE t.bucket >= ?1 AND t.bucket < ?2 GROUP BY t.host_id "
      "ORDER BY sum(t.bytes_sent) + sum(t.bytes_received) DESC, h.address LIMIT ?3";
  return collect<HostRow>(db, kSql, range, limit, [](Statement& s, HostRow& r) {
    r.address = s.text_at(0);
    r.packets_sent = static_cast<uint64_t>(s.int_at(1));
    r.bytes_sent = static_cast<uint64_t>(s.int_at(2));
    r.packets_received = static_cast<uint64_t>(s.int_at(3));
    r.bytes_received = static_cast<uint64_t>(s.int_at(4));
    r.flows = static_cast<uint64_t>(s.int_at(5));
    r.first_seen_s = s.int_at(6);
    r.last_seen_s = s.int_at(7);
  });
}

Result<std::vector<ProtocolRow>> query_protocols(const Database& db, TimeRange range, size_t limit) {
  constexpr const char* kSql =
      "SELECT ip_proto, sum(packets), sum(bytes), sum(flows) FROM protocol_traffic_minute "
      "WHERE bucket >= ?1 AND bucket < ?2 GROUP BY ip_proto ORDER BY sum(bytes) DESC, ip_proto LIMIT ?3";
  return collect<ProtocolRow>(db, kSql, range, limit, [](Statement& s, ProtocolRow& r) {
    r.ip_proto = static_cast<uint8_t>(s.int_at(0));
    r.l4 = ip_proto_name(r.ip_proto);
    r.packets = static_cast<uint64_t>(s.int_at(1));
    r.bytes = static_cast<uint64_t>(s.int_at(2));
    r.flows = static_cast<uint64_t>(s.int_at(3));
  });
}

Result<std::vector<FlowRow>> query_flows(const Database& db, TimeRange range, size_t limit) {
  // The range is in seconds, flow times in microseconds; clamp so the product cannot overflow.
  constexpr const char* kSql =
      "SELECT run_id, ip_proto, client, client_port, server, server_port, vlan, outer_vlan, tunnel, "
      "first_us, "
      "last_us, packets_c2s, bytes_c2s, packets_s2c, bytes_s2c, end_reason FROM flows "
      "WHERE last_us >= max(?1, -9223372036854) * 1000000 AND first_us < min(?2, 9223372036854) * 1000000 "
      "ORDER BY bytes_c2s + bytes_s2c DESC, first_us, id LIMIT ?3";
  return collect<FlowRow>(db, kSql, range, limit, [](Statement& s, FlowRow& r) {
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
    for (FlowEnd e :
         {FlowEnd::kIdle, FlowEnd::kActive, FlowEnd::kClosed, FlowEnd::kEvicted, FlowEnd::kEndOfCapture}) {
      if (end == flow_end_name(e)) f.end = e;
    }
  });
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
