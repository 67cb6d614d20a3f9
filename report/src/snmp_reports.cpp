// Reports over the SNMP tables: devices, interfaces, health.
#include <cstdio>

#include "netledger/core/clamp_cast.hpp"
#include "netledger/report/reports.hpp"
#include "netledger/storage/snmp_queries.hpp"

namespace netledger::report {

namespace {

template <class T>
Cell opt(const std::optional<T>& v) {
  return v ? Cell{*v} : Cell{};
}
Cell text(const std::string& s) {
  return s.empty() ? Cell{} : Cell{s};
}

// IANAifType names for the types switches and routers report most.
std::string if_type_name(int64_t t) {
  switch (t) {
    case 1: return "other";
    case 6: return "ethernetCsmacd";
    case 23: return "ppp";
    case 24: return "softwareLoopback";
    case 53: return "propVirtual";
    case 54: return "propMultiplexor";
    case 62: return "fastEther";
    case 69: return "fastEtherFX";
    case 71: return "ieee80211";
    case 92: return "frameRelayMPI";
    case 117: return "gigabitEthernet";
    case 131: return "tunnel";
    case 135: return "l2vlan";
    case 136: return "l3ipvlan";
    case 150: return "mplsTunnel";
    case 161: return "ieee8023adLag";
    case 166: return "mpls";
    case 209: return "bridge";
    case 244: return "wwanPP2";
    case 246: return "ifPwType";
    case 247: return "ilan";
    default: return "type-" + std::to_string(t);
  }
}

std::string status_name(int64_t s) {
  switch (s) {
    case 1: return "up";
    case 2: return "down";
    case 3: return "testing";
    case 4: return "unknown";
    case 5: return "dormant";
    case 6: return "notPresent";
    case 7: return "lowerLayerDown";
    default: return "status-" + std::to_string(s);
  }
}

std::string duplex_name(int64_t d) {
  switch (d) {
    case 2: return "half";
    case 3: return "full";
    default: return "unknown";
  }
}

}  // namespace

Result<Table> devices_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_devices(db, storage::SnmpFilter{o.device, ""});
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "devices";
  t.title = "SNMP devices";
  t.columns = {{"device", "Device", Kind::kText},
               {"address", "Address", Kind::kText, false},
               {"sys_name", "sysName", Kind::kText},
               {"sys_descr", "sysDescr", Kind::kText, false},
               {"sys_object_id", "sysObjectID", Kind::kText, false},
               {"uptime_s", "Uptime s", Kind::kCount},
               {"interfaces", "Ports", Kind::kCount},
               {"open_findings", "Findings", Kind::kCount},
               {"last_poll", "Last poll", Kind::kTime},
               {"last_ok", "Last answer", Kind::kTime, false},
               {"took_ms", "Took ms", Kind::kCount, false},
               {"last_result", "Result", Kind::kText}};
  for (const auto& r : *rows) {
    t.rows.push_back({r.name, r.address, text(r.sys_name), text(r.sys_descr), text(r.sys_object_id),
                      opt(r.uptime_s), opt(r.interfaces), Cell{r.open_findings}, opt(r.last_poll_s),
                      opt(r.last_ok_s), opt(r.took_ms), r.last_result});
  }
  return t;
}

Result<Table> interfaces_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_interfaces(db, storage::SnmpFilter{o.device, o.port});
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "interfaces";
  t.title = "Interfaces (latest poll; rates from the last valid interval)";
  t.columns = {{"device", "Device", Kind::kText},
               {"if_index", "ifIndex", Kind::kCount},
               {"name", "Name", Kind::kText},
               {"descr", "Description", Kind::kText, false},
               {"alias", "Alias", Kind::kText},
               {"type", "Type", Kind::kText, false},
               {"speed_bps", "Speed", Kind::kCount},
               {"mtu", "MTU", Kind::kCount, false},
               {"mac", "MAC", Kind::kText, false},
               {"admin_status", "Admin", Kind::kText},
               {"oper_status", "Oper", Kind::kText},
               {"duplex", "Duplex", Kind::kText},
               {"in_octets", "In octets", Kind::kCount, false},
               {"out_octets", "Out octets", Kind::kCount, false},
               {"counter_width", "Bits", Kind::kCount, false},
               {"in_bps", "In b/s", Kind::kCount},
               {"out_bps", "Out b/s", Kind::kCount},
               {"utilisation", "Util", Kind::kPercent}};
  for (const auto& r : *rows) {
    Cell util = r.utilisation ? Cell{*r.utilisation * 100} : Cell{};
    auto rate = [](const std::optional<double>& v) { return v ? Cell{clamp_to_int64(*v + 0.5)} : Cell{}; };
    t.rows.push_back({r.device, Cell{r.if_index}, text(r.name), text(r.descr), text(r.alias),
                      r.type ? Cell{if_type_name(*r.type)} : Cell{}, opt(r.speed_bps), opt(r.mtu),
                      text(r.mac), r.admin_status ? Cell{status_name(*r.admin_status)} : Cell{},
                      r.oper_status ? Cell{status_name(*r.oper_status)} : Cell{},
                      r.duplex ? Cell{duplex_name(*r.duplex)} : Cell{}, opt(r.in_octets), opt(r.out_octets),
                      opt(r.counter_width), rate(r.in_bps), rate(r.out_bps), util});
  }
  return t;
}

Result<Table> health_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_findings(db, storage::SnmpFilter{o.device, o.port}, o.range, true);
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "findings";
  t.title = "Health findings (open first, worst first)";
  t.columns = {{"severity", "Sev", Kind::kText},
               {"rule", "Rule", Kind::kText},
               {"device", "Device", Kind::kText},
               {"port", "Port", Kind::kText},
               {"if_index", "ifIndex", Kind::kCount, false},
               {"explanation", "Finding", Kind::kText},
               {"evidence", "Evidence", Kind::kText, false},
               {"first_seen", "First seen", Kind::kTime},
               {"last_seen", "Last seen", Kind::kTime, false},
               {"cleared", "Cleared", Kind::kTime}};
  size_t shown = 0;
  for (const auto& r : *rows) {
    if (o.top != 0 && shown++ >= o.top) break;
    t.rows.push_back({r.severity, r.rule, r.device, text(r.port), Cell{r.if_index}, r.explanation, r.evidence,
                      Cell{r.first_seen_s}, Cell{r.last_seen_s}, opt(r.cleared_s)});
  }
  return t;
}

}  // namespace netledger::report
