#include "netledger/storage/snmp_queries.hpp"

#include <sqlite3.h>

#include "statement.hpp"

namespace netledger::storage {

namespace {

std::optional<int64_t> opt_int(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return s.int_at(col);
}
std::optional<uint64_t> opt_u64(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return static_cast<uint64_t>(s.int_at(col));
}
std::optional<double> opt_double(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return s.double_at(col);
}

constexpr const char* kPortMatch =
    "(?2 = '' OR i.name = ?2 OR i.descr = ?2 OR CAST(i.if_index AS TEXT) = ?2)";

}  // namespace

Result<std::vector<DeviceRow>> query_devices(const Database& db, const SnmpFilter& f) {
  auto st = Statement::prepare(
      db,
      "SELECT d.name, d.address, coalesce(d.sys_name, ''), coalesce(d.sys_descr, ''), "
      "coalesce(d.sys_object_id, ''), "
      "coalesce(d.last_result, ''), d.uptime_s, d.last_poll_s, d.last_ok_s, d.last_took_ms, d.interfaces, "
      "(SELECT count(*) FROM findings x WHERE x.device_id = d.id AND x.cleared_s IS NULL) "
      "FROM snmp_devices d WHERE ?1 = '' OR d.name = ?1 ORDER BY d.name");
  if (!st.ok()) return st.error();
  st->bind(1, f.device);
  std::vector<DeviceRow> rows;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    DeviceRow r;
    r.name = st->text_at(0);
    r.address = st->text_at(1);
    r.sys_name = st->text_at(2);
    r.sys_descr = st->text_at(3);
    r.sys_object_id = st->text_at(4);
    r.last_result = st->text_at(5);
    r.uptime_s = opt_int(*st, 6);
    r.last_poll_s = opt_int(*st, 7);
    r.last_ok_s = opt_int(*st, 8);
    r.took_ms = opt_int(*st, 9);
    r.interfaces = opt_int(*st, 10);
    r.open_findings = st->int_at(11);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return db.error("query snmp_devices");
  return rows;
}

Result<std::vector<InterfaceRow>> query_interfaces(const Database& db, const SnmpFilter& f) {
  std::string sql =
      "SELECT d.name, i.if_index, coalesce(i.name, ''), coalesce(i.descr, ''), coalesce(i.alias, ''), "
      "coalesce(i.mac, ''), i.type, i.speed_bps, i.mtu, i.admin_status, i.oper_status, i.duplex, "
      "i.counter_width, "
      "i.in_octets, i.out_octets, i.updated_s, r.in_bps, r.out_bps, r.utilisation, r.at_s "
      "FROM snmp_interfaces i JOIN snmp_devices d ON d.id = i.device_id "
      "LEFT JOIN snmp_rates r ON r.device_id = i.device_id AND r.if_index = i.if_index AND r.at_s = "
      "(SELECT max(at_s) FROM snmp_rates x WHERE x.device_id = i.device_id AND x.if_index = i.if_index) "
      "WHERE (?1 = '' OR d.name = ?1) AND ";
  sql += kPortMatch;
  sql += " ORDER BY d.name, i.if_index";
  auto st = Statement::prepare(db, sql.c_str());
  if (!st.ok()) return st.error();
  st->bind(1, f.device).bind(2, f.port);
  std::vector<InterfaceRow> rows;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    InterfaceRow r;
    r.device = st->text_at(0);
    r.if_index = st->int_at(1);
    r.name = st->text_at(2);
    r.descr = st->text_at(3);
    r.alias = st->text_at(4);
    r.mac = st->text_at(5);
    r.type = opt_int(*st, 6);
    r.speed_bps = opt_int(*st, 7);
    r.mtu = opt_int(*st, 8);
    r.admin_status = opt_int(*st, 9);
    r.oper_status = opt_int(*st, 10);
    r.duplex = opt_int(*st, 11);
    r.counter_width = opt_int(*st, 12);
    r.in_octets = opt_u64(*st, 13);
    r.out_octets = opt_u64(*st, 14);
    r.updated_s = st->int_at(15);
    r.in_bps = opt_double(*st, 16);
    r.out_bps = opt_double(*st, 17);
    r.utilisation = opt_double(*st, 18);
    r.rate_at_s = opt_int(*st, 19);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return db.error("query snmp_interfaces");
  return rows;
}

Result<std::vector<FindingRow>> query_findings(const Database& db, const SnmpFilter& f, TimeRange range,
                                               bool include_cleared) {
  std::string sql =
      "SELECT x.id, x.rule, x.severity, d.name, coalesce(x.port, ''), coalesce(x.evidence, ''), "
      "coalesce(x.explanation, ''), x.if_index, x.first_seen, x.last_seen, x.cleared_s "
      "FROM findings x JOIN snmp_devices d ON d.id = x.device_id "
      "LEFT JOIN snmp_interfaces i ON i.device_id = x.device_id AND i.if_index = x.if_index "
      "WHERE (?1 = '' OR d.name = ?1) AND (?2 = '' OR x.port = ?2 OR i.descr = ?2 OR CAST(x.if_index AS "
      "TEXT) = ?2) "
      "AND x.last_seen >= ?3 AND x.first_seen < ?4 AND (x.cleared_s IS NULL OR ?5) "
      "ORDER BY x.cleared_s IS NOT NULL, CASE x.severity WHEN 'crit' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, "
      "x.last_seen DESC, d.name, x.if_index, x.rule";
  auto st = Statement::prepare(db, sql.c_str());
  if (!st.ok()) return st.error();
  st->bind(1, f.device)
      .bind(2, f.port)
      .bind(3, range.since_s)
      .bind(4, range.until_s)
      .bind(5, int{include_cleared});
  std::vector<FindingRow> rows;
  int rc = 0;
  while ((rc = st->step()) == SQLITE_ROW) {
    FindingRow r;
    r.id = st->int_at(0);
    r.rule = st->text_at(1);
    r.severity = st->text_at(2);
    r.device = st->text_at(3);
    r.port = st->text_at(4);
    r.evidence = st->text_at(5);
    r.explanation = st->text_at(6);
    r.if_index = st->int_at(7);
    r.first_seen_s = st->int_at(8);
    r.last_seen_s = st->int_at(9);
    r.cleared_s = opt_int(*st, 10);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return db.error("query findings");
  return rows;
}

}  // namespace netledger::storage
