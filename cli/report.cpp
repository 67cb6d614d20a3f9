// netledger report KIND --db PATH: tables from the database; never needs the network.
#include <ctime>
#include <iostream>
#include <map>
#include <memory>

#include "commands.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/reports.hpp"

namespace netledger::cli {

namespace {

struct ReportArgs {
  std::string kind;
  std::string db;
  std::string since;
  std::string until;
  size_t top = 20;
  std::string format = "table";
};

using Builder = Result<report::Table> (*)(const storage::Database&, const report::ReportOptions&);

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> kBuilders = {
      {"hosts", &report::hosts_report},
      {"protocols", &report::protocols_report},
      {"flows", &report::flows_report},
      {"runs", &report::runs_report},
  };
  return kBuilders;
}

int run_report(const ReportArgs& a) {
  auto it = builders().find(a.kind);
  if (it == builders().end()) {
    std::string known;
    for (const auto& [name, b] : builders()) known += (known.empty() ? "" : ", ") + name;
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
  auto db = storage::Database::open(a.db, storage::OpenMode::kReadOnly);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  auto table = it->second(**db, o);
  if (!table.ok()) {
    print_error(table.error().message);
    return kExitFailed;
  }
  std::cout << report::render(*table, format);
  return kExitOk;
}

}  // namespace

void add_report(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "Report from the database: hosts, protocols, flows, runs");
  cmd->add_option("kind", args->kind, "hosts | protocols | flows | runs")->required();
  cmd->add_option("--db", args->db, "SQLite database file")->required();
  cmd->add_option("--since", args->since,
                  "Start: epoch seconds, YYYY-MM-DD[THH:MM[:SS]] (UTC), or an age (24h, 7d)");
  cmd->add_option("--until", args->until, "End (exclusive), same forms as --since");
  cmd->add_option("--top", args->top, "Rows to show; 0 for every row")->capture_default_str();
  cmd->add_option("--format", args->format, "table | csv | json")->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = run_report(*args); });
}

}  // namespace netledger::cli
