// Keeping the file in shape: what it holds (db info), retention per resolution and a
// size cap (db prune), VACUUM, and which resolution answers a range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

enum class Resolution : uint8_t { kMinute, kHour, kDay, kMonth };
const char* resolution_name(Resolution r) noexcept;
int64_t resolution_seconds(Resolution r) noexcept;  // a month counts as 31 days

// The finest resolution whose table still holds data back to `since_s`.
Result<Resolution> covering_resolution(const Database& db, int64_t since_s);

struct TableInfo {
  std::string name;
  int64_t rows = 0;
  std::optional<int64_t> oldest_s, newest_s;
};
struct RetentionInfo {
  std::string resolution;
  std::optional<int64_t> keep_s;  // none: forever
  std::optional<int64_t> pruned_before_s;
};
struct DbInfo {
  std::string path;
  int schema_version = 0;
  int64_t file_bytes = 0;
  int64_t used_bytes = 0;
  std::optional<int64_t> max_bytes;
  std::vector<TableInfo> tables;
  std::vector<RetentionInfo> retention;
};
Result<DbInfo> db_info(const Database& db);

struct PruneOptions {
  int64_t now_s = 0;
  std::vector<std::pair<std::string, std::optional<int64_t>>> keep;  // new retention, stored in the file
  std::optional<int64_t> max_bytes;                                  // new size cap, stored in the file
};
struct PruneResult {
  int64_t rows_deleted = 0;
  std::vector<std::string> notes;
};
// Applies retention (rollups are kept whole, so totals do not change at coarser
// resolutions) and then the size cap, cutting the finest data first.
Result<PruneResult> prune(Database& db, const PruneOptions& o);
Status vacuum(Database& db);

}  // namespace netledger::storage
