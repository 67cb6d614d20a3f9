// DenseMap: the writer's in-memory maps (hour sums, the hour's hosts). Entries are
// numbered in the order their keys first came and sit in fixed chunks of kChunk, found
// through an open-addressing index of entry + 1 (0 = empty, at most half full, linear
// probing): a lookup costs one miss in the index and one in the entry, where a
// node-based map also chased a bucket list. Chunks, not one vector, so growing never
// copies the entries nor holds them twice (a vector doubling past 300k hour sums did,
// and peaked at twice their size); clear() keeps the chunks for the next hour.
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
  static constexpr size_t kChunkBits = 12;
  static constexpr size_t kChunk = size_t{1} << kChunkBits;

  // The number of `key`'s entry, and whether it was added now (with `value`). Numbers
  // stay valid until clear().
  std::pair<uint32_t, bool> try_emplace(const Key& key, const Value& value) {
    if ((size_ + 1) * 2 > index_.size()) grow_index();
    const size_t mask = index_.size() - 1;
    for (size_t i = Hash{}(key)&mask;; i = (i + 1) & mask) {
      const uint32_t e = index_[i];
      if (e == 0) {
        if (size_ == chunks_.size() * kChunk) chunks_.emplace_back(kChunk);
        at(static_cast<uint32_t>(size_)) = Entry(key, value);
        index_[i] = static_cast<uint32_t>(++size_);
        return {static_cast<uint32_t>(size_ - 1), true};
      }
      if (at(e - 1).first == key) return {e - 1, false};
    }
  }

  Entry& at(uint32_t entry) noexcept { return chunks_[entry >> kChunkBits][entry & (kChunk - 1)]; }
  [[nodiscard]] const Entry& at(uint32_t entry) const noexcept {
    return chunks_[entry >> kChunkBits][entry & (kChunk - 1)];
  }
  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  // Forgets every key; the chunks stay for the entries to come.
  void clear() {
    size_ = 0;
    std::fill(index_.begin(), index_.end(), 0);
  }

 private:
  void grow_index() {
    index_.assign(std::max<size_t>(index_.size() * 2, 4096), 0);
    const size_t mask = index_.size() - 1;
    for (uint32_t e = 0; e < size_; ++e) {
      size_t i = Hash{}(at(e).first) & mask;
      while (index_[i] != 0) i = (i + 1) & mask;
      index_[i] = e + 1;
    }
  }

  std::vector<std::vector<Entry>> chunks_;  // each of kChunk entries
  size_t size_ = 0;
  std::vector<uint32_t> index_;
};

}  // namespace netledger::storage
