// HourSums: the writer's hour rollups in memory. Minute rows are added as they are
// stored; write() adds the sums to the hour table. Days and months are folded from the
// hours once a day is behind packet time (fold_days); hours of a day already folded are
// added to the day and month tables at once. So every minute is counted exactly once in
// each coarser table whatever retention later deletes, and a day's hours are read back
// once, not re-added to the day and month rows at every hour.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "dense_map.hpp"
#include "netledger/core/records.hpp"
#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

class HourSums {
 public:
  void add(const HostBucket& h, int64_t host_id, int64_t app_id);
  void add(const ProtocolBucket& p);
  [[nodiscard]] size_t size() const noexcept { return hosts_.size() + protocols_.size(); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  // Upserts every sum into the hour table, and those of folded days into the day and
  // month tables (inside the caller's transaction), in key order so each lands beside
  // the one before; empties the map.
  Status write(Database& db);

  // 64 bytes a sum. App ids are rows of the labels table, a few hundred names.
  struct Key {
    int64_t bucket;
    int64_t host_id;  // -1 for protocol rows
    int32_t ip_proto;
    int32_t app_id;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct Sums {
    uint64_t packets_sent = 0, bytes_sent = 0, packets_received = 0, bytes_received = 0, flows = 0;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  using Map = DenseMap<Key, Sums, KeyHash>;

 private:
  // The host sums in the order their keys first came. The writer adds each batch's rows
  // in key order, so they are runs already in order: written out by merging the runs as
  // they are read, with no sorted copy.
  Map hosts_;
  std::vector<uint32_t> run_starts_;  // where each run after the first starts
  Map protocols_;                     // a few rows an hour
};

// Folds the hours before `before_s` (rounded up to a day) that are not folded yet into
// the day and month tables, and moves rollup_state.folded_before there. Inside the
// caller's transaction; never moves the mark back.
Status fold_days(Database& db, int64_t before_s);

// rollup_state.folded_before: hours from there on are not in the day and month tables.
Result<int64_t> folded_before(const Database& db);

}  // namespace netledger::storage
