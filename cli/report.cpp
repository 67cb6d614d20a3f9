// netledger report KIND --db PATH: tables from the database; never needs the network.
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <variant>

#include "commands.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/reports.hpp"

namespace netledger::cli {

namespace {

struct ReportArgs {
  std::string kind;
  std::string address;  // report host ADDRESS
  std::string by = "l4";
  bool resolve = false;
  std::string db;
  std::string since;
  std::string until;
  size_t top = 20;
  std::string format = "table";
  std::string device;
  std::string port;
};

using Builder = Result<report::Table> (*)(const storage::Database&, const report::ReportOptions&);

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> kBuilders = {
      {"hosts", &report::hosts_report},     {"protocols", &report::protocols_report},
      {"flows", &report::flows_report},     {"runs", &report::runs_report},
      {"devices", &report::devices_report}, {"interfaces", &report::interfaces_report},
      {"health", &report::health_report},
  };
  return kBuilders;
}

// Reverse DNS, only when --resolve asks for it.
std::string reverse_dns(const std::string& address) {
  auto ip = IpAddr::parse(address);
  if (!ip) return "";
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (ip->is_v4()) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
    sa->sin_family = AF_INET;
    std::memcpy(&sa->sin_addr, ip->bytes().data(), 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
    sa->sin6_family = AF_INET6;
    std::memcpy(&sa->sin6_addr, ip->bytes().data(), 16);
    len = sizeof(sockaddr_in6);
  }
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0, NI_NAMEREQD) != 0) {
    return "";
  }
  return host;
}

void add_reverse_dns(report::Table& t) {
  size_t addr_col = t.columns.size();
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].key == "address") addr_col = i;
  }
  if (addr_col == t.columns.size()) return;
  t.columns.push_back({"rdns", "Reverse DNS", report::Kind::kText});
  for (auto& row : t.rows) {
    const auto* a = std::get_if<std::string>(&row[addr_col]);
    std::string name = a != nullptr ? reverse_dns(*a) : "";
    row.push_back(name.empty() ? report::Cell{} : report::Cell{name});
  }
}

int run_report(const ReportArgs& a) {
  auto it = builders().find(a.kind);
  if (it == builders().end() && a.kind != "host") {
    std::string known;
    for (const auto& [name, b] : builders()) known += (known.empty() ? "" : ", ") + name;
    known += ", host ADDRESS";
    print_error("unknown report kind '" + a.kind + "' (expected one of: " + known + ")");
    return kExitUsage;
  }
  report::Format format{};
  if (!report::parse_format(a.format, format)) {
    print_error("unknown format '" + a.format + "' (expected table, csv or json)");
    return kExitUsage;
  }
  report::ReportOptions o;
  o.top = a.top;
  o.device = a.device;
  o.port = a.port;
  const auto now = static_cast<int64_t>(std::time(nullptr));
  if (!a.since.empty()) {
    auto t = parse_time(a.since, now);
    if (!t.ok()) {
      print_error("--since: " + t.error().message);
      return kExitUsage;
    }
    o.range.since_s = *t;
  }
  if (!a.until.empty()) {
    auto t = parse_time(a.until, now);
    if (!t.ok()) {
      print_error("--until: " + t.error().message);
      return kExitUsage;
    }
    o.range.until_s = *t;
  }
  if (a.kind == "host" && a.address.empty()) {
    print_error("report host needs an ADDRESS");
    return kExitUsage;
  }
  if (a.kind != "host" && !a.address.empty()) {
    print_error("unexpected argument '" + a.address + "' (only report host takes an address)");
    return kExitUsage;
  }
  if (a.by != "l4" && a.by != "app") {
    print_error("--by '" + a.by + "': expected l4 or app");
    return kExitUsage;
  }
  auto db = storage::Database::open(a.db, storage::OpenMode::kReadOnly);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  if (a.kind == "host") {
    auto tables = report::host_report(**db, a.address, o);
    if (!tables.ok()) {
      print_error(tables.error().message);
      return kExitFailed;
    }
    if (a.resolve && !tables->empty()) add_reverse_dns(tables->front());
    std::cout << report::render(*tables, format);
    return kExitOk;
  }
  Builder build = it->second;
  if (a.kind == "protocols" && a.by == "app") build = &report::apps_report;
  auto table = build(**db, o);
  if (!table.ok()) {
    print_error(table.error().message);
    return kExitFailed;
  }
  if (a.resolve) add_reverse_dns(*table);
  std::cout << report::render(*table, format);
  return kExitOk;
}

}  // namespace

void add_report(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd =
      app.add_subcommand("report", "Report from the database: hosts, host ADDRESS, protocols, flows, runs");
  cmd->add_option("kind", args->kind,
                  "hosts | host | protocols | flows | runs | devices | interfaces | health")
      ->required();
  cmd->add_option("address", args->address, "The host, for report host");
  cmd->add_option("--by", args->by, "protocols: l4 (transport) or app (nDPI application)")
      ->capture_default_str();
  cmd->add_option("--device", args->device, "SNMP reports: only this device");
  cmd->add_option("--port", args->port, "SNMP reports: only this port (ifName, ifDescr or ifIndex)");
  cmd->add_flag("--resolve", args->resolve, "Add reverse DNS names (asks the resolver; off by default)");
  cmd->add_option("--db", args->db, "SQLite database file")->required();
  cmd->add_option("--since", args->since,
                  "Start: epoch seconds, YYYY-MM-DD[THH:MM[:SS]] (UTC), or an age (24h, 7d)");
  cmd->add_option("--until", args->until, "End (exclusive), same forms as --since");
  cmd->add_option("--top", args->top, "Rows to show; 0 for every row")->capture_default_str();
  cmd->add_option("--format", args->format, "table | csv | json")->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_report(*args); });
}

}  // namespace netledger::cli
