// FlowTable: the live flows, found with one hash lookup per IP layer per packet.
// Open addressing with linear probing over indexes into a pool of Flow entries; the
// pool and the index grow with the number of live flows and never past the cap.
// Two intrusive lists order the live flows by last packet time (one for open flows,
// one for closed TCP flows lingering for their last segments), so expiry looks only
// at list heads. Time is packet time.
#pragma once

#include <cstdint>
#include <vector>

#include "netledger/core/flow_key.hpp"
#include "netledger/core/records.hpp"

namespace netledger::capture {

inline constexpr uint32_t kNoFlow = UINT32_MAX;

// Cache-line aligned and laid out for the packet path: the key, its hash and the last
// packet time fill the first line, the counters the second; the flags, list links and
// inspection state share the third.
struct alignas(64) Flow {
  FlowKey key;
  uint64_t hash = 0;
  int64_t last_us = 0;
  // [0] client to server, [1] server to client.
  uint64_t packets[2] = {0, 0};
  uint64_t bytes[2] = {0, 0};
  // Not yet charged to hosts: flushed at bucket boundaries and when the flow ends.
  uint64_t pending_packets[2] = {0, 0};
  uint64_t pending_bytes[2] = {0, 0};
  int64_t first_us = 0;
  uint32_t prev = kNoFlow;
  uint32_t next = kNoFlow;
  uint32_t dpi_slot = UINT32_MAX;  // the inspector's slot while the answer is open
  uint64_t dpi_seq = 0;            // the last message sent to the inspector for the slot
  AppInfo app;
  bool client_is_lo = true;
  bool tunnel = false;
  bool dirty = false;    // on the dirty list of the current bucket
  bool counted = false;  // its start has been charged to its hosts' flow counts
  uint8_t fin_mask = 0;  // bit d: FIN seen in direction d
  bool closed = false;
  bool in_use = false;
  bool classified = false;  // `app` is final
};

class FlowTable {
 public:
  explicit FlowTable(uint32_t max_flows);

  // Returns the flow's index, or kNoFlow when absent.
  [[nodiscard]] uint32_t find(const FlowKey& key, uint64_t hash) const noexcept;
  // Inserts a new flow (the caller checked it is absent and that size() < max_flows()).
  uint32_t insert(const FlowKey& key, uint64_t hash);
  // Removes the flow at `index`; its pool slot is reused.
  void erase(uint32_t index) noexcept;

  Flow& at(uint32_t index) noexcept { return pool_[index]; }
  [[nodiscard]] const Flow& at(uint32_t index) const noexcept { return pool_[index]; }
  [[nodiscard]] uint32_t size() const noexcept { return size_; }
  [[nodiscard]] uint32_t max_flows() const noexcept { return max_flows_; }

  // The lists in last-seen order. `touch` moves a flow to the tail of `list`.
  enum List : uint8_t { kOpen = 0, kClosing = 1 };
  void touch(uint32_t index, List list) noexcept;
  [[nodiscard]] uint32_t oldest(List list) const noexcept { return lists_[list].head; }

 private:
  struct Links {
    uint32_t head = kNoFlow;
    uint32_t tail = kNoFlow;
  };
  void unlink(uint32_t index) noexcept;
  void grow_index();
  void place(uint32_t index) noexcept;

  std::vector<Flow> pool_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> slots_;   // pool index + 1; 0 = empty
  std::vector<uint8_t> list_of_;  // which list each pool entry is on
  Links lists_[2];
  uint32_t size_ = 0;
  uint32_t max_flows_;
};

}  // namespace netledger::capture
