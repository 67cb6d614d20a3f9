// Database: one SQLite file, opened, checked and migrated. The schema version lives in
// PRAGMA user_version and the file is marked with PRAGMA application_id, so a file
// made by another program or by a newer netledger is refused with a clear message.
#pragma once

#include <memory>
#include <string>

#include "netledger/core/result.hpp"

struct sqlite3;

namespace netledger::storage {

inline constexpr int kSchemaVersion = 6;
inline constexpr int kApplicationId = 0x4E4C4447;  // "NLDG"

enum class OpenMode {
  kReadWrite,  // create the file and the schema when absent
  kReadOnly,   // reports: the file must exist and be netledger's
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // Runs SQL with no result rows; the error names the database.
  Status exec(const char* sql);
  // Message for the last error on this connection, prefixed with `what` and the path.
  [[nodiscard]] Error error(const std::string& what, ErrorCode code = ErrorCode::kDatabase) const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status migrate(OpenMode mode);

  sqlite3* db_;
  std::string path_;
};

}  // namespace netledger::storage
