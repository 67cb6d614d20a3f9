// SightingCache: the writer's host names and MACs of the hour, each with its first and
// last sighting. The names and MACs new in a batch are written together (write_new);
// later sightings only move their times in memory, written by flush() (at each hour of
// packet time and at a run's end), which also empties the cache, so it holds one hour.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "bulk_rows.hpp"
#include "netledger/core/records.hpp"
#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

// When something was first and last seen, and whether that moved since it was written.
struct SeenTimes {
  int64_t first_s = 0;
  int64_t last_s = 0;
  bool dirty = false;
  void see(int64_t t) {
    if (t >= first_s && t <= last_s) return;
    first_s = std::min(first_s, t);
    last_s = std::max(last_s, t);
    dirty = true;
  }
};

class SightingCache {
 public:
  static Result<SightingCache> prepare(const Database& db);

  void add(int64_t host_id, const std::string& name, NameSource source, int64_t seen_s);
  void add(int64_t host_id, const std::array<uint8_t, 6>& mac, int64_t seen_s);
  // Writes the names and MACs added since the last call that were new to the cache.
  Status write_new(const Database& db);
  // Writes the times that moved since their rows were written, and empties the cache.
  Status flush(const Database& db);
  [[nodiscard]] bool empty() const noexcept { return names_.empty() && macs_.empty(); }
  [[nodiscard]] size_t size() const noexcept { return names_.size() + macs_.size(); }

  // Keys order as their table's primary key does.
  // (clang-tidy 14 takes the defaulted <=>'s comparisons with 0 for null pointers.)
  struct NameKey {
    int64_t host_id;
    std::string name;
    NameSource source;
    friend auto operator<=>(const NameKey&, const NameKey&) = default;  // NOLINT(modernize-use-nullptr)
  };
  struct MacKey {
    int64_t host_id;
    std::array<uint8_t, 6> mac;
    friend auto operator<=>(const MacKey&, const MacKey&) = default;  // NOLINT(modernize-use-nullptr)
  };

 private:
  struct NameKeyHash {
    size_t operator()(const NameKey& k) const noexcept;
  };
  struct MacKeyHash {
    size_t operator()(const MacKey& k) const noexcept;
  };
  template <class Key>
  using Entry = std::pair<const Key, SeenTimes>;

  SightingCache(BulkRows names, BulkRows macs)
      : upsert_names_(std::move(names)), upsert_macs_(std::move(macs)) {}
  Status write(const Database& db, std::vector<const Entry<NameKey>*>& rows);
  Status write(const Database& db, std::vector<const Entry<MacKey>*>& rows);

  BulkRows upsert_names_;
  BulkRows upsert_macs_;
  std::unordered_map<NameKey, SeenTimes, NameKeyHash> names_;
  std::unordered_map<MacKey, SeenTimes, MacKeyHash> macs_;
  std::vector<const Entry<NameKey>*> new_names_;  // since the last write_new
  std::vector<const Entry<MacKey>*> new_macs_;
};

}  // namespace netledger::storage
