#include "netledger/capture/flow_table.hpp"

#include <algorithm>

namespace netledger::capture {

namespace {
constexpr uint32_t kInitialSlots = 1024;
constexpr uint8_t kNoList = 0xFF;
}  // namespace

FlowTable::FlowTable(uint32_t max_flows) : max_flows_(std::max<uint32_t>(max_flows, 1)) {
  slots_.assign(kInitialSlots, 0);
}

uint32_t FlowTable::find(const FlowKey& key, uint64_t hash) const noexcept {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    uint32_t s = slots_[i];
    if (s == 0) return kNoFlow;
    const Flow& f = pool_[s - 1];
    if (f.hash == hash && f.key == key) return s - 1;
  }
}

void FlowTable::place(uint32_t index) noexcept {
  const size_t mask = slots_.size() - 1;
  size_t i = pool_[index].hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = index + 1;
}

void FlowTable::grow_index() {
  slots_.assign(slots_.size() * 2, 0);
  for (uint32_t i = 0; i < pool_.size(); ++i) {
    if (pool_[i].in_use) place(i);
  }
}

uint32_t FlowTable::insert(const FlowKey& key, uint64_t hash) {
  // Keep the load factor at or below one half: probes stay short.
  if ((size_ + 1) * 2 > slots_.size()) grow_index();
  uint32_t index = 0;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(pool_.size());
    pool_.emplace_back();
    list_of_.push_back(kNoList);
  }
  Flow& f = pool_[index];
  f = Flow{};
  f.key = key;
  f.hash = hash;
  f.in_use = true;
  place(index);
  ++size_;
  return index;
}

void FlowTable::erase(uint32_t index) noexcept {
  unlink(index);
  const size_t mask = slots_.size() - 1;
  size_t i = pool_[index].hash & mask;
  while (slots_[i] != index + 1) i = (i + 1) & mask;
  // Backward-shift deletion keeps every remaining entry reachable from its home slot.
  for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    uint32_t s = slots_[j];
    if (s == 0) break;
    size_t home = pool_[s - 1].hash & mask;
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
  uint8_t l = list_of_[index];
  if (l == kNoList) return;
  Flow& f = pool_[index];
  if (f.prev != kNoFlow)
    pool_[f.prev].next = f.next;
  else
    lists_[l].head = f.next;
  if (f.next != kNoFlow)
    pool_[f.next].prev = f.prev;
  else
    lists_[l].tail = f.prev;
  f.prev = f.next = kNoFlow;
  list_of_[index] = kNoList;
}

void FlowTable::touch(uint32_t index, List list) noexcept {
  if (list_of_[index] == list && lists_[list].tail == index) return;
  unlink(index);
  Flow& f = pool_[index];
  f.prev = lists_[list].tail;
  f.next = kNoFlow;
  if (f.prev != kNoFlow)
    pool_[f.prev].next = index;
  else
    lists_[list].head = index;
  lists_[list].tail = index;
  list_of_[index] = list;
}

}  // namespace netledger::capture
