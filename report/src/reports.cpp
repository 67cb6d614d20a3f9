#include "netledger/report/reports.hpp"

#include <string>

#include "netledger/report/oui.hpp"

namespace netledger::report {

namespace {

Cell count(uint64_t v) {
  return Cell{static_cast<int64_t>(v)};
}
Cell seconds_from_us(int64_t us) {
  return Cell{static_cast<double>(us) / 1e6};
}

}  // namespace

Result<Table> hosts_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_hosts(db, o.range, o.top);
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "hosts";
  t.title = "Top hosts by bytes";
  t.columns = {{"address", "Host", Kind::kText},
               {"packets_sent", "Pkts sent", Kind::kCount},
               {"bytes_sent", "Sent", Kind::kBytes},
               {"packets_received", "Pkts recv", Kind::kCount},
               {"bytes_received", "Received", Kind::kBytes},
               {"bytes", "Total", Kind::kBytes},
               {"flows", "Flows", Kind::kCount},
               {"first_seen", "First seen", Kind::kTime, false},
               {"last_seen", "Last seen", Kind::kTime, false},
               {"name", "Name", Kind::kText},
               {"names", "Names", Kind::kText, false},
               {"mac", "MAC", Kind::kText, false},
               {"vendor", "Vendor", Kind::kText, false}};
  std::vector<std::string> macs;
  for (const auto& r : *rows) {
    if (!r.mac.empty()) macs.push_back(r.mac);
  }
  auto vendors = mac_vendors(macs, o.oui_registry);
  auto text_or_null = [](const std::string& v) { return v.empty() ? Cell{} : Cell{v}; };
  for (const auto& r : *rows) {
    std::string first_name = r.names.substr(0, r.names.find(' '));
    t.rows.push_back({r.address, count(r.packets_sent), count(r.bytes_sent), count(r.packets_received),
                      count(r.bytes_received), count(r.bytes_sent + r.bytes_received), count(r.flows),
                      Cell{r.first_seen_s}, Cell{r.last_seen_s}, text_or_null(first_name),
                      text_or_null(r.names), text_or_null(r.mac),
                      r.mac.empty() ? Cell{} : text_or_null(vendors[r.mac])});
  }
  return t;
}

Result<Table> protocols_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_protocols(db, o.range, o.top);
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "protocols";
  t.title = "Transport protocols (innermost, each frame once)";
  t.columns = {{"l4", "Protocol", Kind::kText},
               {"ip_proto", "IP proto", Kind::kCount},
               {"packets", "Packets", Kind::kCount},
               {"bytes", "Bytes", Kind::kBytes},
               {"flows", "Flows", Kind::kCount}};
  for (const auto& r : *rows) {
    t.rows.push_back({r.l4, Cell{int64_t{r.ip_proto}}, count(r.packets), count(r.bytes), count(r.flows)});
  }
  return t;
}

Result<Table> apps_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_apps(db, o.range, o.top);
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "protocols";
  t.title = "Application protocols (nDPI)";
  t.columns = {{"app", "Application", Kind::kText},
               {"packets", "Packets", Kind::kCount},
               {"bytes", "Bytes", Kind::kBytes},
               {"flows", "Flows", Kind::kCount}};
  for (const auto& r : *rows) t.rows.push_back({r.app, count(r.packets), count(r.bytes), count(r.flows)});
  t.notes.emplace_back("Bytes per application: each flow's bytes, once per IP layer that carried it.");
  return t;
}

Result<Table> flows_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_flows(db, o.range, o.top, storage::FlowFilter{o.host, o.protocol});
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "flows";
  t.title = "Flows by bytes";
  if (!o.host.empty()) t.title += " of " + o.host;
  if (!o.protocol.empty()) t.title += ", " + o.protocol + " only";
  t.columns = {{"l4", "Proto", Kind::kText},
               {"client", "Client", Kind::kText},
               {"client_port", "Port", Kind::kCount},
               {"server", "Server", Kind::kText},
               {"server_port", "Port", Kind::kCount},
               {"vlan", "VLAN", Kind::kCount},
               {"outer_vlan", "Outer VLAN", Kind::kCount, false},
               {"tunnel", "Tunnel", Kind::kBool, false},
               {"first_seen", "First seen", Kind::kTime},
               {"last_seen", "Last seen", Kind::kTime, false},
               {"packets_c2s", "Pkts c>s", Kind::kCount},
               {"bytes_c2s", "Bytes c>s", Kind::kBytes},
               {"packets_s2c", "Pkts s>c", Kind::kCount},
               {"bytes_s2c", "Bytes s>c", Kind::kBytes},
               {"ndpi", "Application", Kind::kText},
               {"app", "App", Kind::kText, false},
               {"master", "Master", Kind::kText, false},
               {"category", "Category", Kind::kText, false},
               {"guessed", "Guessed", Kind::kBool, false},
               {"end", "End", Kind::kText}};
  for (const auto& r : *rows) {
    const FlowRecord& f = r.flow;
    t.rows.push_back({ip_proto_name(f.ip_proto),
                      f.client.to_string(),
                      Cell{int64_t{f.client_port}},
                      f.server.to_string(),
                      Cell{int64_t{f.server_port}},
                      Cell{int64_t{f.vlan}},
                      Cell{int64_t{f.outer_vlan}},
                      Cell{f.tunnel},
                      seconds_from_us(f.first_us),
                      seconds_from_us(f.last_us),
                      count(f.packets_c2s),
                      count(f.bytes_c2s),
                      count(f.packets_s2c),
                      count(f.bytes_s2c),
                      r.ndpi,
                      r.app,
                      r.master == "Unknown" ? Cell{} : Cell{r.master},
                      r.category,
                      Cell{f.app.guessed},
                      std::string(flow_end_name(f.end))});
  }
  return t;
}

Result<std::vector<Table>> host_report(const storage::Database& db, const std::string& address,
                                       const ReportOptions& o) {
  auto d = storage::query_host(db, address, o.range, o.top);
  if (!d.ok()) return d.error();
  std::vector<Table> out;
  Table sum;
  sum.name = "host";
  sum.title = "Host " + d->totals.address;
  std::string mac = d->macs.empty() ? "" : d->macs.front().mac;
  std::string vendor = mac.empty() ? "" : mac_vendors({mac}, o.oui_registry)[mac];
  const auto& h = d->totals;
  sum.columns = {{"address", "Host", Kind::kText},
                 {"name", "Name", Kind::kText},
                 {"mac", "MAC", Kind::kText},
                 {"vendor", "Vendor", Kind::kText},
                 {"first_seen", "First seen", Kind::kTime},
                 {"last_seen", "Last seen", Kind::kTime},
                 {"packets_sent", "Pkts sent", Kind::kCount, false},
                 {"bytes_sent", "Sent", Kind::kBytes},
                 {"packets_received", "Pkts recv", Kind::kCount, false},
                 {"bytes_received", "Received", Kind::kBytes},
                 {"flows", "Flows", Kind::kCount}};
  auto opt = [](const std::string& v) { return v.empty() ? Cell{} : Cell{v}; };
  sum.rows.push_back({h.address, d->names.empty() ? Cell{} : Cell{d->names.front().name}, opt(mac),
                      opt(vendor), Cell{h.first_seen_s}, Cell{h.last_seen_s}, count(h.packets_sent),
                      count(h.bytes_sent), count(h.packets_received), count(h.bytes_received),
                      count(h.flows)});
  out.push_back(std::move(sum));

  Table protos;
  protos.name = "protocols";
  protos.title = "Protocols";
  protos.columns = {{"l4", "L4", Kind::kText},
                    {"app", "Application", Kind::kText},
                    {"packets_sent", "Pkts sent", Kind::kCount, false},
                    {"bytes_sent", "Sent", Kind::kBytes},
                    {"packets_received", "Pkts recv", Kind::kCount, false},
                    {"bytes_received", "Received", Kind::kBytes},
                    {"flows", "Flows", Kind::kCount}};
  for (const auto& p : d->protocols) {
    protos.rows.push_back({p.l4, p.app, count(p.packets_sent), count(p.bytes_sent), count(p.packets_received),
                           count(p.bytes_received), count(p.flows)});
  }
  out.push_back(std::move(protos));

  Table peers;
  peers.name = "peers";
  peers.title = "Peers";
  peers.columns = {{"address", "Peer", Kind::kText},
                   {"flows", "Flows", Kind::kCount},
                   {"bytes_sent", "Sent to", Kind::kBytes},
                   {"bytes_received", "Received from", Kind::kBytes},
                   {"apps", "Applications", Kind::kText}};
  for (const auto& p : d->peers) {
    peers.rows.push_back({p.address, count(p.flows), count(p.bytes_sent), count(p.bytes_received), p.apps});
  }
  out.push_back(std::move(peers));

  Table names;
  names.name = "names";
  names.title = "Names learned from the traffic";
  names.columns = {{"name", "Name", Kind::kText},
                   {"source", "Learned from", Kind::kText},
                   {"first_seen", "First seen", Kind::kTime},
                   {"last_seen", "Last seen", Kind::kTime}};
  for (const auto& n : d->names) {
    names.rows.push_back({n.name, n.source, Cell{n.first_seen_s}, Cell{n.last_seen_s}});
  }
  out.push_back(std::move(names));

  Table macs;
  macs.name = "macs";
  macs.title = "Link-layer addresses";
  macs.columns = {{"mac", "MAC", Kind::kText},
                  {"vendor", "Vendor", Kind::kText},
                  {"first_seen", "First seen", Kind::kTime},
                  {"last_seen", "Last seen", Kind::kTime}};
  std::vector<std::string> all_macs;
  for (const auto& m : d->macs) all_macs.push_back(m.mac);
  auto vendors = mac_vendors(all_macs, o.oui_registry);
  for (const auto& m : d->macs) {
    macs.rows.push_back({m.mac, opt(vendors[m.mac]), Cell{m.first_seen_s}, Cell{m.last_seen_s}});
  }
  out.push_back(std::move(macs));
  return out;
}

Result<Table> runs_report(const storage::Database& db, const ReportOptions& o) {
  auto rows = storage::query_runs(db, o.range, o.top);
  if (!rows.ok()) return rows.error();
  Table t;
  t.name = "runs";
  t.title = "Capture runs";
  t.columns = {{"id", "Run", Kind::kCount},
               {"kind", "Kind", Kind::kText},
               {"source", "Source", Kind::kText, true, 64},  // a replay's files, all named
               {"status", "Status", Kind::kText},
               {"started", "Started", Kind::kTime, false},
               {"first_packet", "First packet", Kind::kTime},
               {"last_packet", "Last packet", Kind::kTime, false},
               {"packets_read", "Packets", Kind::kCount},
               {"bytes_read", "Bytes", Kind::kBytes},
               {"packets_decoded", "Decoded", Kind::kCount},
               {"non_ip_packets", "Non-IP", Kind::kCount},
               {"drops_kernel", "Dropped", Kind::kCount},
               {"drops_interface", "If drops", Kind::kCount},
               {"flows_seen", "Flows", Kind::kCount},
               {"flows_evicted", "Evicted", Kind::kCount},
               {"anomalies", "Anomalies", Kind::kText},
               {"error", "Error", Kind::kText, false}};
  for (const auto& r : *rows) {
    const CaptureStats& s = r.stats;
    std::string anomalies;
    for (const auto& [name, n] : s.anomalies)
      anomalies += (anomalies.empty() ? "" : " ") + name + "=" + std::to_string(n);
    Cell first = s.packets_read > 0 ? seconds_from_us(s.first_packet_us) : Cell{};
    Cell last = s.packets_read > 0 ? seconds_from_us(s.last_packet_us) : Cell{};
    t.rows.push_back({Cell{r.id}, s.kind, s.source, s.status, Cell{s.started_s}, first, last,
                      count(s.packets_read), count(s.bytes_read), count(s.packets_decoded),
                      count(s.non_ip_packets), count(s.drops_kernel), count(s.drops_interface),
                      count(s.flows_seen), count(s.flows_evicted), anomalies,
                      s.error.empty() ? Cell{} : Cell{s.error}});
    if (!s.error.empty()) t.notes.push_back("run " + std::to_string(r.id) + ": " + s.error);
  }
  return t;
}

}  // namespace netledger::report
