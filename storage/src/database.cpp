#include "netledger/storage/database.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "schema.hpp"
#include "statement.hpp"

namespace netledger::storage {

Result<std::unique_ptr<Database>> Database::open(const std::string& path, OpenMode mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return make_error(ErrorCode::kInvalidArgument, path + ": is a directory, not a database file");
  } else if (mode == OpenMode::kReadOnly) {
    return make_error(ErrorCode::kNotFound, path + ": database does not exist");
  }
  int flags =
      mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // SQLite's memory statistics take a global mutex around every allocation; nothing
  // here reads them. This must be set before the library initialises, so it is set once
  // before the first open.
  static const bool kConfigured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)kConfigured;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return make_error(ErrorCode::kIo, "sqlite3_open_v2(" + path + "): " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_busy_timeout(raw, 10000);
  sqlite3_extended_result_codes(raw, 1);
  if (Status s = db->migrate(mode); !s.ok()) return s.error();
  return db;
}

Database::~Database() {
  sqlite3_close_v2(db_);
}

Status Database::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg != nullptr ? msg : sqlite3_errmsg(db_);
    sqlite3_free(msg);
    return make_error(ErrorCode::kDatabase, path_ + ": " + text);
  }
  return {};
}

Error Database::error(const std::string& what, ErrorCode code) const {
  return make_error(code, what + " on " + path_ + ": " + sqlite3_errmsg(db_));
}

namespace {

Result<int64_t> pragma_int(Database& db, const char* name) {
  auto st = Statement::prepare(db, name);
  if (!st.ok()) return st.error();
  if (st->step() != SQLITE_ROW) return db.error(name);
  return st->int_at(0);
}

}  // namespace

Status Database::migrate(OpenMode mode) {
  // Reading the header is the first access: a file that is not SQLite fails here.
  auto app = pragma_int(*this, "PRAGMA application_id");
  if (!app.ok()) {
    return make_error(ErrorCode::kFormat, path_ + ": not a netledger database (" + sqlite3_errmsg(db_) + ")");
  }
  auto version = pragma_int(*this, "PRAGMA user_version");
  if (!version.ok()) return version.error();
  auto tables = pragma_int(*this, "SELECT count(*) FROM sqlite_schema");
  if (!tables.ok()) return tables.error();

  const bool empty = *tables == 0 && *app == 0 && *version == 0;
  if (!empty && *app != kApplicationId) {
    return make_error(ErrorCode::kFormat,
                      path_ + ": not a netledger database (an SQLite file made by another program)");
  }
  if (*version > kSchemaVersion) {
    return make_error(ErrorCode::kUnsupported, path_ + ": made by a newer netledger (schema version " +
                                                   std::to_string(*version) + "; this build reads up to " +
                                                   std::to_string(kSchemaVersion) + ")");
  }
  if (mode == OpenMode::kReadOnly) {
    if (empty) return make_error(ErrorCode::kFormat, path_ + ": empty file, not a netledger database");
    if (*version < kSchemaVersion) {
      return make_error(ErrorCode::kUnsupported,
                        path_ + ": schema version " + std::to_string(*version) +
                            " is older than this build's; upgrade it with: netledger db migrate --db " +
                            path_);
    }
    // Reports scan ranges of large tables: map the file rather than read it page by page,
    // and sort in memory.
    (void)exec("PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
    return {};
  }
  // A new file gets 16 KiB pages: a --no-dpi replay of the bench capture, the same rows in
  // fewer and larger pages, took 0.2-1.1 s less than with the default 4 KiB in each of
  // eight alternating pairs (means 3.93 s and 4.45 s). A file keeps the page size it was
  // made with: the size can only be chosen before the first table.
  if (empty) {
    if (Status s = exec("PRAGMA page_size=16384;"); !s.ok()) {
      return make_error(ErrorCode::kIo, "cannot write database " + path_ + ": " + s.error().message);
    }
  }
  // WAL: reports can read while a capture writes. A 16 MiB page cache holds the pages
  // that inserts and upserts touch (the ends of the tables rows are appended to, the
  // hosts index); 64 MiB replayed the bench capture no faster and held 48 MB more. The
  // WAL is copied back into the file when it reaches 64 MiB, whatever the page size.
  if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;");
      !s.ok()) {
    return make_error(ErrorCode::kIo, "cannot write database " + path_ + ": " + s.error().message);
  }
  auto page = pragma_int(*this, "PRAGMA page_size");
  if (!page.ok()) return page.error();
  const std::string checkpoint =
      "PRAGMA wal_autocheckpoint=" + std::to_string((int64_t{64} << 20) / std::max<int64_t>(*page, 512)) +
      ";";
  if (Status s = exec(checkpoint.c_str()); !s.ok()) return s;
  for (int v = static_cast<int>(*version); v < kSchemaVersion; ++v) {
    Transaction tx(*this);
    if (!tx.began()) return error("BEGIN", ErrorCode::kIo);
    if (Status s = exec(schema_step(v + 1)); !s.ok()) return s;
    std::string bump = "PRAGMA user_version=" + std::to_string(v + 1) +
                       "; PRAGMA application_id=" + std::to_string(kApplicationId) + ";";
    if (Status s = exec(bump.c_str()); !s.ok()) return s;
    if (Status s = tx.commit(); !s.ok()) return s;
  }
  return {};
}

}  // namespace netledger::storage
