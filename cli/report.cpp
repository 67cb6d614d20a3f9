// netledger report KIND --db PATH: tables from the database; never needs the network.
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <variant>
#include <vector>

#include "commands.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/document.hpp"
#include "netledger/report/reports.hpp"

namespace netledger::cli {

namespace {

struct ReportArgs {
  std::string kind;
  std::string address;  // report host ADDRESS
  std::string by;
  bool resolve = false;
  std::string db;
  std::string since;
  std::string until;
  size_t top = 20;
  std::string format;  // default: table on a terminal, else table too (say --format for machines)
  std::string device;
  std::string port;
  std::string host;
  std::string protocol;
  std::string step = "1h";
  bool daily = false;
  bool monthly = false;
  int billing_day = 1;
  std::string output;
  std::string tz;
  std::vector<std::string> given;  // the options below that were given (see takes())
};

// The options only some kinds take, and those kinds. Given to another kind, they are
// refused rather than ignored: a filter that does nothing would pass for one that found
// nothing.
const std::map<std::string, std::vector<std::string>>& kind_options() {
  static const std::map<std::string, std::vector<std::string>> kOptions = {
      {"--host", {"flows", "timeline"}},
      {"--protocol", {"flows", "timeline"}},
      {"--device", {"devices", "interfaces", "health", "timeline", "overview"}},
      {"--port", {"interfaces", "health", "timeline", "overview"}},
      {"--by", {"protocols", "top", "timeline"}},
      {"--step", {"timeline", "host"}},
      {"--daily", {"summary"}},
      {"--monthly", {"summary"}},
      {"--billing-day", {"summary"}},
  };
  return kOptions;
}

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

constexpr const char* kKinds =
    "hosts, host ADDRESS, protocols, flows, top, timeline, summary, interfaces, devices, health, runs, "
    "overview";

Result<report::Document> build(const storage::Database& db, const ReportArgs& a,
                               const report::ReportOptions& o) {
  auto wrap = [](Result<report::Table> t) -> Result<report::Document> {
    if (!t.ok()) return t.error();
    report::Document d;
    d.title = t->title;
    d.tables.push_back(std::move(*t));
    return d;
  };
  if (a.kind == "host") {
    auto tables = report::host_report(db, a.address, o);
    if (!tables.ok()) return tables.error();
    report::Document d;
    d.title = "Host " + a.address;
    d.tables = std::move(*tables);
    // Its traffic over time, at the step asked for (1h by default).
    report::ReportOptions t = o;
    t.host = a.address;
    t.by = "total";
    auto over_time = report::timeline_document(db, t);
    if (!over_time.ok()) return over_time.error();
    for (auto& c : over_time->charts) {
      c.title = "Traffic of " + a.address;
      d.charts.push_back(std::move(c));
    }
    for (auto& tl : over_time->tables) {
      tl.title = "Traffic over time";
      d.tables.insert(d.tables.begin() + 1, std::move(tl));
    }
    return d;
  }
  if (a.kind == "top") return report::top_document(db, o);
  if (a.kind == "timeline") return report::timeline_document(db, o);
  if (a.kind == "summary") return report::summary_document(db, o);
  if (a.kind == "interfaces") return report::interfaces_document(db, o);
  if (a.kind == "overview") return report::overview_document(db, o);
  if (a.kind == "protocols" && (a.by == "app" || a.by == "apps")) return wrap(report::apps_report(db, o));
  auto it = builders().find(a.kind);
  return wrap(it->second(db, o));
}

bool known_kind(const std::string& k) {
  return builders().count(k) != 0 || k == "host" || k == "top" || k == "timeline" || k == "summary" ||
         k == "overview";
}

int run_report(const ReportArgs& a) {
  if (!known_kind(a.kind)) {
    print_error("unknown report kind '" + a.kind + "' (expected one of: " + kKinds + ")");
    return kExitUsage;
  }
  for (const std::string& opt : a.given) {
    const auto& kinds = kind_options().at(opt);
    if (std::find(kinds.begin(), kinds.end(), a.kind) == kinds.end()) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      std::string message = "report " + a.kind;
      message += " takes no " + opt;
      message += " (it is for: " + list + ")";
      print_error(message);
      return kExitUsage;
    }
  }
  report::Format format{};
  std::string fmt = a.format.empty() ? (a.kind == "overview" ? "html" : "table") : a.format;
  if (!report::parse_format(fmt, format)) {
    print_error("unknown format '" + fmt + "' (expected table, csv, json, markdown or html)");
    return kExitUsage;
  }
  report::ReportOptions o;
  o.top = a.top;
  o.device = a.device;
  o.port = a.port;
  o.host = a.host;
  o.protocol = a.protocol;
  o.by = a.by;
  o.monthly = a.monthly;
  o.billing_day = a.billing_day;
  const auto now = static_cast<int64_t>(std::time(nullptr));
  o.now_s = now;
  if (a.daily && a.monthly) {
    print_error("--daily and --monthly: choose one");
    return kExitUsage;
  }
  auto step = parse_step(a.step);
  if (!step.ok()) {
    print_error("--step: " + step.error().message);
    return kExitUsage;
  }
  o.step_s = *step;
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
  if (o.range.until_s <= o.range.since_s) {
    print_error("--until must be later than --since");
    return kExitUsage;
  }
  if (a.kind == "host" && a.address.empty()) {
    print_error("report host needs an ADDRESS");
    return kExitUsage;
  }
  if (a.kind != "host" && !a.address.empty()) {
    print_error("unexpected argument '" + a.address + "' (only report host takes an address)");
    return kExitUsage;
  }
  report::TimeZone tz;
  if (!a.tz.empty() && a.tz != "UTC") {
    std::string file = "/usr/share/zoneinfo/" + a.tz;
    if (a.tz.find("..") != std::string::npos || access(file.c_str(), R_OK) != 0) {
      print_error("--tz '" + a.tz + "': no such time zone (see /usr/share/zoneinfo)");
      return kExitUsage;
    }
    setenv("TZ", a.tz.c_str(), 1);
    tzset();
    tz.local = true;
    tz.name = a.tz;
  }
  auto db = storage::Database::open(a.db, storage::OpenMode::kReadOnly);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  auto doc = build(**db, a, o);
  if (!doc.ok()) {
    print_error(doc.error().message);
    return doc.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  if (a.resolve && !doc->tables.empty()) add_reverse_dns(doc->tables.front());
  std::string text = report::render_document(*doc, format, tz);
  if (a.output.empty()) {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(a.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    print_error("cannot write " + a.output + ": " + std::strerror(errno));
    return kExitFailed;
  }
  std::cerr << "wrote " << a.output << "\n";
  return kExitOk;
}

}  // namespace

void add_report(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", std::string("Report from the database: ") + kKinds);
  cmd->add_option("kind", args->kind, kKinds)->required();
  cmd->add_option("address", args->address, "The host, for report host");
  cmd->add_option("--db", args->db, "SQLite database file")->required();
  cmd->add_option("--since", args->since,
                  "Start: epoch seconds, YYYY-MM-DD[THH:MM[:SS]] (UTC), or an age (24h, 7d)");
  cmd->add_option("--until", args->until, "End (exclusive), same forms as --since");
  cmd->add_option("--top", args->top, "Rows to show; 0 for every row")
      ->check(CLI::Range(size_t{0}, size_t{1'000'000'000}))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "table | csv | json | markdown | html (overview: html)");
  cmd->add_option("--output", args->output, "Write to this file instead of standard output");
  cmd->add_option("--tz", args->tz, "Show times in this zone (e.g. Europe/Paris); stored times are UTC");
  cmd->add_option(
      "--by", args->by,
      "protocols: l4 | app; top: hosts | protocols | apps; timeline: total | host | protocol | app | "
      "interface");
  cmd->add_option("--step", args->step, "timeline: step (5m, 1h, 1d)")->capture_default_str();
  cmd->add_option("--host", args->host, "flows, timeline: only this host's traffic");
  cmd->add_option("--protocol", args->protocol,
                  "flows, timeline: only this protocol, L4 (udp) or application (DNS)");
  cmd->add_option("--device", args->device, "SNMP reports: only this device");
  cmd->add_option("--port", args->port, "SNMP reports: only this port (ifName, ifDescr or ifIndex)");
  cmd->add_flag("--daily", args->daily, "summary: per day (the default)");
  cmd->add_flag("--monthly", args->monthly, "summary: per month");
  cmd->add_option("--billing-day", args->billing_day, "summary --monthly: the day months start on (1-28)")
      ->capture_default_str();
  cmd->add_flag("--resolve", args->resolve, "Add reverse DNS names (asks the resolver; off by default)");
  cmd->callback([args, cmd, &exit_code] {
    for (const auto& [opt, kinds] : kind_options()) {
      if (cmd->count(opt) > 0) args->given.push_back(opt);
    }
    exit_code = run_report(*args);
  });
}

}  // namespace netledger::cli
