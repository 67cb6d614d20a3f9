// HostCache: the hosts the writer has stored this hour of packet time, each with its id
// in the hosts table and the first and last bucket it was seen in since that table was
// last updated. Entries sit in one array found through an open-addressing index (entry
// + 1, 0 = empty, at most half full): a lookup costs one miss in the index and one in
// the array, where a node-based map also chased its bucket list.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "netledger/core/ip_addr.hpp"
#include "sightings.hpp"

namespace netledger::storage {

class HostCache {
 public:
  struct Entry {
    IpAddr address;
    int64_t id = 0;  // 0 until the hosts table gave one
    SeenTimes times;
  };

  // The entry of `address` seen in `bucket_s`, and whether it was new (then its id is 0
  // and its times are that bucket, not dirty). Entry numbers stay valid until clear().
  std::pair<uint32_t, bool> see(const IpAddr& address, int64_t bucket_s) {
    if ((entries_.size() + 1) * 2 > index_.size()) grow_index();
    const size_t mask = index_.size() - 1;
    for (size_t i = IpAddrHash{}(address)&mask;; i = (i + 1) & mask) {
      const uint32_t e = index_[i];
      if (e == 0) {
        entries_.push_back(Entry{address, 0, SeenTimes{bucket_s, bucket_s, false}});
        index_[i] = static_cast<uint32_t>(entries_.size());
        return {static_cast<uint32_t>(entries_.size() - 1), true};
      }
      Entry& found = entries_[e - 1];
      if (found.address == address) {
        found.times.see(bucket_s);
        return {e - 1, false};
      }
    }
  }

  Entry& at(uint32_t entry) noexcept { return entries_[entry]; }
  [[nodiscard]] const Entry& at(uint32_t entry) const noexcept { return entries_[entry]; }
  std::vector<Entry>& entries() noexcept { return entries_; }

  // Forgets every host (the next hour starts afresh).
  void clear() {
    entries_.clear();
    std::fill(index_.begin(), index_.end(), 0);
  }

 private:
  void grow_index() {
    index_.assign(std::max<size_t>(index_.size() * 2, 4096), 0);
    const size_t mask = index_.size() - 1;
    for (size_t e = 0; e < entries_.size(); ++e) {
      size_t i = IpAddrHash{}(entries_[e].address) & mask;
      while (index_[i] != 0) i = (i + 1) & mask;
      index_[i] = static_cast<uint32_t>(e + 1);
    }
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;
};

}  // namespace netledger::storage
