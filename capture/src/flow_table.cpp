#include "netledger/capture/flow_table.hpp"

#include <algorithm>
#include <bit>

namespace netledger::capture {

namespace {

constexpr uint32_t kInitialSlots = 1024;

// A slot: the low 32 bits of the key's hash above the pool index + 1.
constexpr uint64_t tag_of(uint64_t hash) {
  return hash << 32;
}
constexpr uint32_t index_of(uint64_t slot) {
  return static_cast<uint32_t>(slot) - 1;
}
// Where a probe for a key starts: from the low 32 bits of its hash, as kept in the slot.
constexpr size_t home(uint64_t hash, size_t mask) {
  return static_cast<uint32_t>(hash) & mask;
}
constexpr size_t home_of(uint64_t slot, size_t mask) {
  return home(slot >> 32, mask);
}

}  // namespace

FlowTable::FlowTable(uint32_t max_flows, int64_t wheel_s)
    : wheel_(std::bit_ceil(static_cast<uint64_t>(std::clamp<int64_t>(wheel_s, 2, int64_t{1} << 24)))),
      max_flows_(std::max<uint32_t>(max_flows, 1)) {
  slots_.assign(kInitialSlots, 0);
}

uint32_t FlowTable::find(const FlowKey& key, uint64_t hash) const noexcept {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = tag_of(hash);
  for (size_t i = home(hash, mask);; i = (i + 1) & mask) {
    const uint64_t s = slots_[i];
    if (s == 0) return kNoFlow;
    if ((s & 0xFFFFFFFF00000000ULL) == tag && pool_[index_of(s)].key == key) return index_of(s);
  }
}

void FlowTable::place(uint64_t slot) noexcept {
  const size_t mask = slots_.size() - 1;
  size_t i = home_of(slot, mask);
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = slot;
}

void FlowTable::grow_index() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  for (uint64_t s : old) {
    if (s != 0) place(s);
  }
}

uint32_t FlowTable::insert(const FlowKey& key, uint64_t hash, int64_t due_s) {
  // Keep the load factor at or below one half: probes stay short.
  if ((size_t{size_} + 1) * 2 > slots_.size()) grow_index();
  uint32_t index = 0;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  Flow& f = pool_[index];
  f = Flow{};
  f.key = key;
  f.in_use = true;
  place(tag_of(hash) | (uint64_t{index} + 1));
  ++size_;
  f.due_s = due_s;
  link(index);
  return index;
}

void FlowTable::erase(uint32_t index) noexcept {
  unlink(index);
  const size_t mask = slots_.size() - 1;
  size_t i = home(pool_[index].key.hash(), mask);
  while (index_of(slots_[i]) != index) i = (i + 1) & mask;
  // Backward-shift deletion keeps every remaining entry reachable from its home slot.
  for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    const uint64_t s = slots_[j];
    if (s == 0) break;
    const size_t home = home_of(s, mask);
    bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      slots_[i] = s;
      i = j;
    }
  }
  slots_[i] = 0;
  pool_[index].in_use = false;
  free_.push_back(index);
  --size_;
}

void FlowTable::unlink(uint32_t index) noexcept {
  Flow& f = pool_[index];
  Links& l = wheel_[slot_of(f.due_s)];
  if (f.prev != kNoFlow)
    pool_[f.prev].next = f.next;
  else
    l.head = f.next;
  if (f.next != kNoFlow)
    pool_[f.next].prev = f.prev;
  else
    l.tail = f.prev;
  f.prev = f.next = kNoFlow;
}

void FlowTable::link(uint32_t index) noexcept {
  Flow& f = pool_[index];
  Links& l = wheel_[slot_of(f.due_s)];
  f.prev = l.tail;
  f.next = kNoFlow;
  if (f.prev != kNoFlow)
    pool_[f.prev].next = index;
  else
    l.head = index;
  l.tail = index;
}

void FlowTable::schedule(uint32_t index, int64_t due_s) noexcept {
  unlink(index);
  pool_[index].due_s = due_s;
  link(index);
}

}  // namespace netledger::capture
