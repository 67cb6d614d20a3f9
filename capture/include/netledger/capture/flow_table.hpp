// FlowTable: the live flows, found with one hash lookup per IP layer per packet.
// Open addressing with linear probing over indexes into a pool of Flow entries; the
// pool and the index grow with the number of live flows and never past the cap.
// A wheel of per-second lists holds the live flows by the second their time is up, so
// expiry looks only at the seconds that have passed. Time is packet time.
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
  // The flow table's: its place in the wheel's list of second `due_s`.
  uint32_t prev = kNoFlow;
  uint32_t next = kNoFlow;
  int64_t due_s = 0;
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
  // `wheel_s`: the wheel covers that many seconds ahead (more than the longest timeout).
  FlowTable(uint32_t max_flows, int64_t wheel_s);

  // Returns the flow's index, or kNoFlow when absent.
  [[nodiscard]] uint32_t find(const FlowKey& key, uint64_t hash) const noexcept;
  // Inserts a new flow whose time is up in second `due_s` (the caller checked it is
  // absent and that size() < max_flows()).
  uint32_t insert(const FlowKey& key, uint64_t hash, int64_t due_s);
  // Removes the flow at `index`; its pool slot is reused.
  void erase(uint32_t index) noexcept;

  Flow& at(uint32_t index) noexcept { return pool_[index]; }
  [[nodiscard]] const Flow& at(uint32_t index) const noexcept { return pool_[index]; }
  [[nodiscard]] uint32_t size() const noexcept { return size_; }
  [[nodiscard]] uint32_t max_flows() const noexcept { return max_flows_; }

  // The expiry wheel: a list per second, the wheel's size apart seconds sharing one. A
  // packet does not move its flow (that would touch two other flows' cache lines per
  // packet): the caller looks at the lists of the seconds that passed, ends the flows
  // whose time is up and moves the others to the second their time is now up.
  void schedule(uint32_t index, int64_t due_s) noexcept;
  // The first flow in the list of second `s`; each flow's `next` leads on.
  [[nodiscard]] uint32_t first_due(int64_t s) const noexcept { return wheel_[slot_of(s)].head; }
  // Whether second `a` and `b` share a list.
  [[nodiscard]] bool same_list(int64_t a, int64_t b) const noexcept { return slot_of(a) == slot_of(b); }
  [[nodiscard]] int64_t wheel_seconds() const noexcept { return static_cast<int64_t>(wheel_.size()); }

 private:
  struct Links {
    uint32_t head = kNoFlow;
    uint32_t tail = kNoFlow;
  };
  [[nodiscard]] size_t slot_of(int64_t s) const noexcept {
    return static_cast<uint64_t>(s) & (wheel_.size() - 1);
  }
  void unlink(uint32_t index) noexcept;
  void link(uint32_t index) noexcept;
  void grow_index();
  void place(uint64_t slot) noexcept;

  std::vector<Flow> pool_;
  std::vector<uint32_t> free_;
  // The low 32 bits of the key's hash above pool index + 1 (0 = empty): a probe passes
  // other keys without reading their flows, and the hash is not kept in the flow.
  std::vector<uint64_t> slots_;
  std::vector<Links> wheel_;
  uint32_t size_ = 0;
  uint32_t max_flows_;
};

}  // namespace netledger::capture
