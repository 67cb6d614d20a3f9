// netledger db info|prune|vacuum|migrate: the database file itself.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/storage/maintenance.hpp"

namespace netledger::cli {

namespace {

struct DbArgs {
  std::string action;
  std::string db;
  std::vector<std::string> keep;  // RESOLUTION=AGE
  std::string max_size;
};

std::string megabytes(int64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / 1e6);
  return buf;
}

// A size in bytes, decimal units: "500M", "2G", "1.5T". At least a byte, at most an exabyte.
Result<int64_t> parse_size(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  std::string unit = end != nullptr ? end : "";
  double mult = unit.empty() || unit == "B"   ? 1
                : unit == "K" || unit == "KB" ? 1e3
                : unit == "M" || unit == "MB" ? 1e6
                : unit == "G" || unit == "GB" ? 1e9
                : unit == "T" || unit == "TB" ? 1e12
                                              : -1;
  const double bytes = v * mult;
  // Written so that NaN fails it too.
  if (end == text.c_str() || mult < 0 || !(bytes >= 1 && bytes <= 1e18)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--max-size '" + text + "': expected a size like 500M or 2G (1 byte to 1000000T)");
  }
  return static_cast<int64_t>(bytes);
}

int info(storage::Database& db) {
  auto i = storage::db_info(db);
  if (!i.ok()) {
    print_error(i.error().message);
    return kExitFailed;
  }
  std::cout << i->path << ": netledger schema version " << i->schema_version << ", "
            << megabytes(i->file_bytes) << " (" << megabytes(i->used_bytes) << " in use)";
  if (i->max_bytes) std::cout << ", size cap " << megabytes(*i->max_bytes);
  std::cout << "\n\n";
  std::printf("%-26s %12s  %-19s  %-19s\n", "table", "rows", "oldest (UTC)", "newest (UTC)");
  for (const auto& t : i->tables) {
    std::printf("%-26s %12lld  %-19s  %-19s\n", t.name.c_str(), static_cast<long long>(t.rows),
                t.oldest_s ? format_utc(*t.oldest_s).c_str() : "-",
                t.newest_s ? format_utc(*t.newest_s).c_str() : "-");
  }
  std::cout << "\nretention:\n";
  for (const auto& r : i->retention) {
    std::string keep = r.keep_s ? format_age(*r.keep_s) : "forever";
    std::printf("  %-8s keep %-10s %s\n", r.resolution.c_str(), keep.c_str(),
                r.pruned_before_s ? ("pruned before " + format_utc(*r.pruned_before_s)).c_str() : "");
  }
  return kExitOk;
}

int run_db(const DbArgs& a) {
  if (a.action != "info" && a.action != "prune" && a.action != "vacuum" && a.action != "migrate") {
    print_error("unknown db action '" + a.action + "' (expected info, prune, vacuum or migrate)");
    return kExitUsage;
  }
  storage::PruneOptions po;
  po.now_s = static_cast<int64_t>(std::time(nullptr));
  for (const auto& k : a.keep) {
    auto eq = k.find('=');
    if (eq == std::string::npos) {
      print_error("--keep '" + k + "': expected RESOLUTION=AGE, e.g. minute=2d or month=forever");
      return kExitUsage;
    }
    std::string res = k.substr(0, eq);
    std::string age = k.substr(eq + 1);
    if (age == "forever") {
      po.keep.emplace_back(res, std::nullopt);
      continue;
    }
    auto t = parse_age(age);
    if (!t.ok()) {
      print_error("--keep '" + k + "': " + t.error().message + " (or forever)");
      return kExitUsage;
    }
    po.keep.emplace_back(res, *t);
  }
  if (!a.max_size.empty()) {
    auto s = parse_size(a.max_size);
    if (!s.ok()) {
      print_error(s.error().message);
      return kExitUsage;
    }
    po.max_bytes = *s;
  }
  // Info reads; the others may write (opening for writing also upgrades the schema).
  const bool write = a.action != "info";
  auto db =
      storage::Database::open(a.db, write ? storage::OpenMode::kReadWrite : storage::OpenMode::kReadOnly);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  if (a.action == "info") return info(**db);
  if (a.action == "migrate") {
    std::cout << a.db << ": schema is at version " << storage::kSchemaVersion << "\n";
    return kExitOk;
  }
  if (a.action == "vacuum") {
    if (Status s = storage::vacuum(**db); !s.ok()) {
      print_error(s.error().message);
      return kExitFailed;
    }
    std::cout << a.db << ": vacuumed\n";
    return kExitOk;
  }
  auto r = storage::prune(**db, po);
  if (!r.ok()) {
    print_error(r.error().message);
    return r.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  for (const auto& n : r->notes) std::cout << "  " << n << "\n";
  std::cout << a.db << ": " << counted(r->rows_deleted, "row", "rows")
            << " pruned (run 'db vacuum' to give the space back)\n";
  return kExitOk;
}

}  // namespace

void add_db(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<DbArgs>();
  CLI::App* cmd =
      app.add_subcommand("db", "The database file: info, prune (retention, size cap), vacuum, migrate");
  cmd->add_option("action", a->action, "info | prune | vacuum | migrate")->required();
  cmd->add_option("--db", a->db, "SQLite database file")->required();
  cmd->add_option(
      "--keep", a->keep,
      "prune: RESOLUTION=AGE (minute, hour, day, month, rates; e.g. minute=2d, hour=90d, month=forever); "
      "kept in the file");
  cmd->add_option("--max-size", a->max_size,
                  "prune: cap on the file's size (e.g. 500M, 2G); kept in the file");
  cmd->callback([a, &exit_code] { exit_code = run_db(*a); });
}

}  // namespace netledger::cli
