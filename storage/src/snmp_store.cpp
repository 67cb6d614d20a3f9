#include "netledger/storage/snmp_store.hpp"

#include <sqlite3.h>

#include <optional>

#include "netledger/core/time_format.hpp"
#include "statement.hpp"

namespace netledger::storage {

namespace {

// Counters are unsigned 64-bit; SQLite integers are signed: the bits are kept as they
// are and read back as unsigned.
std::optional<int64_t> bits(std::optional<uint64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

uint64_t packets(const std::optional<uint64_t>& hc_u, const std::optional<uint64_t>& hc_m,
                 const std::optional<uint64_t>& hc_b, const std::optional<uint64_t>& u,
                 const std::optional<uint64_t>& m, const std::optional<uint64_t>& b) {
  if (hc_u) return *hc_u + hc_m.value_or(0) + hc_b.value_or(0);
  return u.value_or(0) + m.value_or(0) + b.value_or(0);
}

}  // namespace

Result<int64_t> SnmpStore::device_id(const DevicePoll& p) {
  auto st =
      Statement::prepare(*db_,
                         "INSERT INTO snmp_devices(name, address) VALUES(?1, ?2) ON CONFLICT(name) DO UPDATE "
                         "SET address = excluded.address RETURNING id");
  if (!st.ok()) return st.error();
  st->bind(1, p.device).bind(2, p.address);
  if (st->step() != SQLITE_ROW) return db_->error("upsert snmp_devices", ErrorCode::kIo);
  return st->int_at(0);
}

Status SnmpStore::store(const DeviceCycle& c) {
  const DevicePoll& p = c.poll;
  Transaction tx(*db_);
  if (!tx.began()) return db_->error("BEGIN", ErrorCode::kIo);
  auto id = device_id(p);
  if (!id.ok()) return id.error();
  {
    std::string result = p.reachable && p.error.empty() ? "ok" : (p.error.empty() ? "unreachable" : p.error);
    auto st = Statement::prepare(
        *db_,
        p.reachable
            ? "UPDATE snmp_devices SET sys_name = ?2, sys_descr = ?3, sys_object_id = ?4, uptime_s = ?5, "
              "last_poll_s = ?6, last_ok_s = ?6, last_result = ?7, last_took_ms = ?8, interfaces = ?9, "
              "memory = ?10 "
              "WHERE id = ?1"
            : "UPDATE snmp_devices SET last_poll_s = ?6, last_result = ?7, last_took_ms = ?8, memory = ?10 "
              "WHERE id = ?1");
    if (!st.ok()) return st.error();
    st->bind(1, *id).bind(2, p.info.sys_name).bind(3, p.info.sys_descr).bind(4, p.info.sys_object_id);
    st->bind(5, bits(p.info.uptime_s())).bind(6, p.polled_s).bind(7, result).bind(8, p.took_ms);
    st->bind(9, static_cast<int64_t>(p.interfaces.size())).bind(10, c.device_memory);
    if (st->step() != SQLITE_DONE) return db_->error("update snmp_devices", ErrorCode::kIo);
  }
  auto iface = Statement::prepare(
      *db_,
      "INSERT INTO snmp_interfaces(device_id, if_index, name, descr, alias, type, speed_bps, mtu, mac, "
      "admin_status, "
      "oper_status, duplex, last_change, in_octets, out_octets, counter_width, updated_s, memory) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
      "ON CONFLICT DO UPDATE SET name = excluded.name, descr = excluded.descr, alias = excluded.alias, "
      "type = excluded.type, speed_bps = excluded.speed_bps, mtu = excluded.mtu, mac = excluded.mac, "
      "admin_status = excluded.admin_status, oper_status = excluded.oper_status, duplex = excluded.duplex, "
      "last_change = excluded.last_change, in_octets = excluded.in_octets, out_octets = excluded.out_octets, "
      "counter_width = excluded.counter_width, updated_s = excluded.updated_s, memory = excluded.memory");
  if (!iface.ok()) return iface.error();
  auto sample = Statement::prepare(
      *db_,
      "INSERT OR REPLACE INTO snmp_samples(device_id, if_index, at_s, uptime_s, counter_width, in_octets, "
      "out_octets, "
      "in_packets, out_packets, in_errors, out_errors, in_discards, out_discards, fcs_errors, "
      "late_collisions, "
      "oper_status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  if (!sample.ok()) return sample.error();
  for (const auto& [index, r] : p.interfaces) {
    const int width = r.octet_width();
    iface->reset();
    iface->bind(1, *id).bind(2, int64_t{index}).bind(3, r.name).bind(4, r.descr).bind(5, r.alias);
    iface->bind(6, r.type);
    uint64_t speed = r.speed_bps();
    if (speed > 0 || (r.speed && *r.speed == 0)) {
      iface->bind(7, static_cast<int64_t>(speed));
    } else {
      iface->bind_null(7);
    }
    iface->bind(8, r.mtu).bind(9, r.mac).bind(10, r.admin_status).bind(11, r.oper_status).bind(12, r.duplex);
    iface->bind(13, bits(r.last_change))
        .bind(14, bits(r.in_octets_used()))
        .bind(15, bits(r.out_octets_used()));
    iface->bind(16, width).bind(17, p.polled_s);
    auto mem = c.memory.find(index);
    iface->bind(18, mem != c.memory.end() ? mem->second : std::string());
    if (iface->step() != SQLITE_DONE) return db_->error("upsert snmp_interfaces", ErrorCode::kIo);
    if (width == 0) continue;
    sample->reset();
    sample->bind(1, *id).bind(2, int64_t{index}).bind(3, p.polled_s).bind(4, bits(p.info.uptime_s()));
    sample->bind(5, width).bind(6, bits(r.in_octets_used())).bind(7, bits(r.out_octets_used()));
    sample->bind(8, static_cast<int64_t>(packets(r.hc_in_ucast, r.hc_in_mcast, r.hc_in_bcast, r.in_ucast,
                                                 r.in_mcast, r.in_bcast)));
    sample->bind(9, static_cast<int64_t>(packets(r.hc_out_ucast, r.hc_out_mcast, r.hc_out_bcast, r.out_ucast,
                                                 r.out_mcast, r.out_bcast)));
    sample->bind(10, bits(r.in_errors)).bind(11, bits(r.out_errors)).bind(12, bits(r.in_discards));
    sample->bind(13, bits(r.out_discards)).bind(14, bits(r.fcs_errors)).bind(15, bits(r.late_collisions));
    sample->bind(16, r.oper_status);
    if (sample->step() != SQLITE_DONE) return db_->error("insert snmp_samples", ErrorCode::kIo);
  }
  auto rate = Statement::prepare(*db_,
                                 "INSERT OR REPLACE INTO snmp_rates(device_id, if_index, at_s, interval_s, "
                                 "in_bps, out_bps, in_pps, out_pps, "
                                 "in_errors_ps, out_errors_ps, in_discards_ps, out_discards_ps, utilisation) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  if (!rate.ok()) return rate.error();
  std::optional<Statement> roll[3];
  const char* res[3] = {"hour", "day", "month"};
  for (int k = 0; k < 3; ++k) {
    auto st = Statement::prepare(
        *db_,
        (std::string("INSERT INTO if_traffic_") + res[k] +
         "(bucket, device_id, if_index, in_bytes, out_bytes, seconds, max_in_bps, max_out_bps, samples) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) ON CONFLICT DO UPDATE SET in_bytes = in_bytes + "
         "excluded.in_bytes, out_bytes = out_bytes + excluded.out_bytes, seconds = seconds + "
         "excluded.seconds, "
         "max_in_bps = max(max_in_bps, excluded.max_in_bps), max_out_bps = max(max_out_bps, "
         "excluded.max_out_bps), samples = samples + 1")
            .c_str());
    if (!st.ok()) return st.error();
    roll[k].emplace(std::move(*st));
  }
  for (const IfRate& r : c.rates) {
    rate->reset();
    rate->bind(1, *id).bind(2, int64_t{r.if_index}).bind(3, r.at_s).bind(4, r.interval_s).bind(5, r.in_bps);
    rate->bind(6, r.out_bps)
        .bind(7, r.in_pps)
        .bind(8, r.out_pps)
        .bind(9, r.in_errors_ps)
        .bind(10, r.out_errors_ps);
    rate->bind(11, r.in_discards_ps).bind(12, r.out_discards_ps);
    if (r.utilisation >= 0) {
      rate->bind(13, r.utilisation);
    } else {
      rate->bind_null(13);
    }
    if (rate->step() != SQLITE_DONE) return db_->error("insert snmp_rates", ErrorCode::kIo);
    // Rollups: bytes carried and time covered add up; the peak is the largest rate.
    const int64_t buckets[3] = {hour_start(r.at_s), day_start(r.at_s), month_start(r.at_s)};
    for (int k = 0; k < 3; ++k) {
      Statement& st = *roll[k];
      st.reset();
      st.bind(1, buckets[k]).bind(2, *id).bind(3, int64_t{r.if_index}).bind(4, r.in_bps * r.interval_s / 8);
      st.bind(5, r.out_bps * r.interval_s / 8).bind(6, r.interval_s).bind(7, r.in_bps).bind(8, r.out_bps);
      if (st.step() != SQLITE_DONE) return db_->error("upsert if_traffic rollup", ErrorCode::kIo);
    }
  }
  auto close =
      Statement::prepare(*db_,
                         "UPDATE findings SET cleared_s = ?5, last_seen = ?5 WHERE device_id = ?1 AND "
                         "if_index = ?2 AND rule = ?3 AND cleared_s IS NULL AND ?4 = ?4");
  auto touch = Statement::prepare(
      *db_,
      "UPDATE findings SET last_seen = ?5, severity = ?4, evidence = ?6, explanation = ?7, "
      "port = ?8 WHERE device_id = ?1 AND if_index = ?2 AND rule = ?3 AND cleared_s IS NULL");
  auto open = Statement::prepare(
      *db_,
      "INSERT INTO findings(rule, severity, device_id, if_index, port, first_seen, last_seen, "
      "evidence, explanation) VALUES(?3, ?4, ?1, ?2, ?8, ?5, ?5, ?6, ?7)");
  if (!close.ok()) return close.error();
  if (!touch.ok()) return touch.error();
  if (!open.ok()) return open.error();
  for (const Finding& f : c.findings) {
    Statement& st = f.cleared ? *close : *touch;
    st.reset();
    st.bind(1, *id)
        .bind(2, int64_t{f.if_index})
        .bind(3, f.rule)
        .bind(4, severity_name(f.severity))
        .bind(5, f.seen_s);
    if (!f.cleared) st.bind(6, f.evidence).bind(7, f.explanation).bind(8, f.port);
    if (st.step() != SQLITE_DONE) return db_->error("update findings", ErrorCode::kIo);
    if (f.cleared || sqlite3_changes(db_->handle()) > 0) continue;
    open->reset();
    open->bind(1, *id).bind(2, int64_t{f.if_index}).bind(3, f.rule).bind(4, severity_name(f.severity));
    open->bind(5, f.seen_s).bind(6, f.evidence).bind(7, f.explanation).bind(8, f.port);
    if (open->step() != SQLITE_DONE) return db_->error("insert findings", ErrorCode::kIo);
  }
  return tx.commit();
}

Result<StoredMemory> SnmpStore::memory(const std::string& device) {
  StoredMemory m;
  auto dev = Statement::prepare(*db_, "SELECT id, coalesce(memory, '') FROM snmp_devices WHERE name = ?1");
  if (!dev.ok()) return dev.error();
  dev->bind(1, device);
  if (dev->step() != SQLITE_ROW) return m;
  int64_t id = dev->int_at(0);
  m.device = dev->text_at(1);
  auto ports = Statement::prepare(
      *db_, "SELECT if_index, coalesce(memory, '') FROM snmp_interfaces WHERE device_id = ?1");
  if (!ports.ok()) return ports.error();
  ports->bind(1, id);
  while (ports->step() == SQLITE_ROW) m.ports[static_cast<uint32_t>(ports->int_at(0))] = ports->text_at(1);
  return m;
}

}  // namespace netledger::storage
