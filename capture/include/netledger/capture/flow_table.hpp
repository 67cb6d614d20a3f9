// FlowTable: the live flows, found with one hash lookup per IP layer per packet.
// Open addressing with linear probing over indexes into a pool of Flow entries; the
// pool and the index grow with the number of live flows and never past the cap.
// Two intrusive lists hold the live flows in the order they were queued (one for open
// flows, one for closed TCP flows lingering for their last segments), so expiry looks
// only at list heads. Time is packet time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "netledger/core/flow_key.hpp"
#include "netledger/core/records.hpp"

namespace netledger::capture {

inline constexpr uint32_t kNoFlow = UINT32_MAX;

// Cache-line aligned and laid out for the packet path: the first line holds what a
// lookup compares and every packet reads (the key, the last and first packet times),
// the second what every packet adds to and its flags; the third (what was charged to
// hosts so far, the inspection state) is read when a bucket closes or the flow ends.
struct alignas(64) Flow {
  FlowKey key;
  int64_t last_us = 0;
  int64_t first_us = 0;
  // [0] client to server, [1] server to client; not yet charged to hosts: charged at
  // bucket boundaries and when the flow ends.
  uint64_t pending_packets[2] = {0, 0};
  uint64_t pending_bytes[2] = {0, 0};
  uint32_t dpi_slot = UINT32_MAX;  // the inspector's slot while the answer is open
  bool client_is_lo = true;
  bool tunnel = false;
  bool dirty = false;    // on the dirty list of the current bucket
  bool counted = false;  // its start has been charged to its hosts' flow counts
  uint8_t fin_mask = 0;  // bit d: FIN seen in direction d
  bool closed = false;
  bool in_use = false;
  bool classified = false;  // `app` is final
  // The flow table's: its place in a list, and when it was put there.
  uint32_t prev = kNoFlow;
  uint32_t next = kNoFlow;
  int64_t queued_us = 0;
  // Charged to hosts so far.
  uint64_t charged_packets[2] = {0, 0};
  uint64_t charged_bytes[2] = {0, 0};
  uint64_t dpi_seq = 0;  // the last message sent to the inspector for the slot
  AppInfo app;

  // All the flow carried in direction `d`.
  [[nodiscard]] uint64_t packets(int d) const noexcept { return charged_packets[d] + pending_packets[d]; }
  [[nodiscard]] uint64_t bytes(int d) const noexcept { return charged_bytes[d] + pending_bytes[d]; }
};

static_assert(offsetof(Flow, pending_packets) == 64, "the key and the packet times fill the first line");
static_assert(offsetof(Flow, charged_packets) <= 128, "the per-packet fields fit in two lines");

class FlowTable {
 public:
  explicit FlowTable(uint32_t max_flows);

  // Returns the flow's index, or kNoFlow when absent.
  [[nodiscard]] uint32_t find(const FlowKey& key, uint64_t hash) const noexcept;
  // Inserts a new flow at the tail of the open list (the caller checked it is absent and
  // that size() < max_flows()).
  uint32_t insert(const FlowKey& key, uint64_t hash, int64_t now_us);
  // Removes the flow at `index`; its pool slot is reused.
  void erase(uint32_t index) noexcept;

  Flow& at(uint32_t index) noexcept { return pool_[index]; }
  [[nodiscard]] const Flow& at(uint32_t index) const noexcept { return pool_[index]; }
  [[nodiscard]] uint32_t size() const noexcept { return size_; }
  [[nodiscard]] uint32_t max_flows() const noexcept { return max_flows_; }

  // Two lists, each in the order its flows were queued: open flows, and closed TCP
  // flows lingering for their last segments. A packet does not move its flow (that
  // would touch two other flows' cache lines per packet); a flow at the head whose last
  // packet came after it was queued goes to the tail again instead (`requeue`).
  enum List : uint8_t { kOpen = 0, kClosing = 1 };
  // Moves the flow to the tail of `list`, queued at `now_us`.
  void queue(uint32_t index, List list, int64_t now_us) noexcept;
  void requeue(uint32_t index, int64_t now_us) noexcept {
    queue(index, static_cast<List>(list_of_[index]), now_us);
  }
  [[nodiscard]] uint32_t oldest(List list) const noexcept { return lists_[list].head; }

 private:
  struct Links {
    uint32_t head = kNoFlow;
    uint32_t tail = kNoFlow;
  };
  void unlink(uint32_t index) noexcept;
  void grow_index();
  void place(uint64_t slot) noexcept;

  std::vector<Flow> pool_;
  std::vector<uint32_t> free_;
  // The low 32 bits of the key's hash above pool index + 1 (0 = empty): a probe passes
  // other keys without reading their flows, and the hash is not kept in the flow.
  std::vector<uint64_t> slots_;
  std::vector<uint8_t> list_of_;  // which list each pool entry is on
  Links lists_[2];
  uint32_t size_ = 0;
  uint32_t max_flows_;
};

}  // namespace netledger::capture
