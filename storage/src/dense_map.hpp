// DenseMap: the writer's in-memory maps (hour sums, the hour's hosts). Entries sit in one
// vector, in the order their keys first came, found through an open-addressing index of
// entry + 1 (0 = empty, at most half full, linear probing): a lookup costs one miss in
// the index and one in the vector, where a node-based map also chased a bucket list, and
// the entries can be walked, sorted or taken whole.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace netledger::storage {

template <class Key, class Value, class Hash>
class DenseMap {
 public:
  using Entry = std::pair<Key, Value>;

  // The number of `key`'s entry, and whether it was added now (with `value`). Numbers
  // stay valid until clear() or take().
  std::pair<uint32_t, bool> try_emplace(const Key& key, const Value& value) {
    if ((entries_.size() + 1) * 2 > index_.size()) grow_index();
    const size_t mask = index_.size() - 1;
    for (size_t i = Hash{}(key)&mask;; i = (i + 1) & mask) {
      const uint32_t e = index_[i];
      if (e == 0) {
        entries_.emplace_back(key, value);
        index_[i] = static_cast<uint32_t>(entries_.size());
        return {static_cast<uint32_t>(entries_.size() - 1), true};
      }
      if (entries_[e - 1].first == key) return {e - 1, false};
    }
  }

  Entry& at(uint32_t entry) noexcept { return entries_[entry]; }
  [[nodiscard]] const Entry& at(uint32_t entry) const noexcept { return entries_[entry]; }
  std::vector<Entry>& entries() noexcept { return entries_; }
  [[nodiscard]] size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

  // The entries, in the order their keys came; the map is left empty.
  std::vector<Entry> take() {
    std::vector<Entry> out = std::move(entries_);
    clear();
    return out;
  }
  void clear() {
    entries_.clear();
    std::fill(index_.begin(), index_.end(), 0);
  }

 private:
  void grow_index() {
    index_.assign(std::max<size_t>(index_.size() * 2, 4096), 0);
    const size_t mask = index_.size() - 1;
    for (size_t e = 0; e < entries_.size(); ++e) {
      size_t i = Hash{}(entries_[e].first) & mask;
      while (index_[i] != 0) i = (i + 1) & mask;
      index_[i] = static_cast<uint32_t>(e + 1);
    }
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;
};

}  // namespace netledger::storage
