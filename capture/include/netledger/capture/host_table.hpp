// HostTable: the open bucket's counters per host, transport and application protocol.
// Open addressing over one array that keeps its memory from bucket to bucket, so once it
// has grown to the traffic, charging a flow to its hosts allocates nothing.
// SeenSet: 64-bit fingerprints of what a bucket has seen (names, MACs), each with a
// number the caller gives it, kept the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "netledger/core/records.hpp"

namespace netledger::capture {

class HostTable {
 public:
  HostTable() { slots_.resize(kMinSlots); }

  // Makes room for `n` new keys: references from at() stay valid until n more are added.
  void make_room(size_t n) {
    while ((used_.size() + n) * 2 > slots_.size()) grow();
  }
  // The counters for the key, zeroed when it is new. `host` must not be empty. A new key
  // may move every entry unless make_room() was called for it.
  HostBucket& at(const IpAddr& host, uint8_t ip_proto, LabelId app) {
    make_room(1);
    size_t i = find(host, ip_proto, app);
    HostBucket& b = slots_[i];
    if (b.host.empty()) {
      b.host = host;
      b.ip_proto = ip_proto;
      b.app = app;
      used_.push_back(static_cast<uint32_t>(i));
    }
    return b;
  }
  [[nodiscard]] size_t size() const noexcept { return used_.size(); }
  // Visits the entries in the order they were added.
  template <class F>
  void for_each(F&& f) {
    for (uint32_t i : used_) f(slots_[i]);
  }
  void clear() {
    for (uint32_t i : used_) slots_[i] = HostBucket{};
    used_.clear();
  }

 private:
  static constexpr size_t kMinSlots = 4096;

  static size_t hash(const IpAddr& host, uint8_t ip_proto, LabelId app) {
    uint64_t h = IpAddrHash{}(host) ^ ((uint64_t{ip_proto} << 32 | app) * 0x9E3779B97F4A7C15ULL);
    return static_cast<size_t>(h ^ (h >> 29));
  }
  [[nodiscard]] size_t find(const IpAddr& host, uint8_t ip_proto, LabelId app) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash(host, ip_proto, app) & mask;; i = (i + 1) & mask) {
      const HostBucket& b = slots_[i];
      if (b.host.empty() || (b.host == host && b.ip_proto == ip_proto && b.app == app)) return i;
    }
  }
  void grow() {
    std::vector<HostBucket> old(slots_.size() * 2);
    old.swap(slots_);
    std::vector<uint32_t> order;
    order.swap(used_);
    used_.reserve(order.size());
    for (uint32_t i : order) {
      const HostBucket& b = old[i];
      size_t j = find(b.host, b.ip_proto, b.app);
      slots_[j] = b;
      used_.push_back(static_cast<uint32_t>(j));
    }
  }

  std::vector<HostBucket> slots_;
  std::vector<uint32_t> used_;  // occupied slots, in the order they were filled
};

class SeenSet {
 public:
  SeenSet() { slots_.resize(kMinSlots); }
  // The number kept with `fingerprint` (the caller may change it), and whether the
  // fingerprint was added now, with `number`.
  std::pair<uint32_t*, bool> insert(uint64_t fingerprint, uint32_t number) {
    if (fingerprint == 0) fingerprint = 1;  // 0 marks an empty slot
    if ((count_ + 1) * 2 > slots_.size()) grow();
    Slot* slot = find(fingerprint);
    if (slot->fp == fingerprint) return {&slot->number, false};
    *slot = Slot{fingerprint, number};
    ++count_;
    return {&slot->number, true};
  }
  void clear() {
    if (count_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    count_ = 0;
  }

 private:
  struct Slot {
    uint64_t fp = 0;
    uint32_t number = 0;
  };
  static constexpr size_t kMinSlots = 1024;
  Slot* find(uint64_t fp) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(fp) & mask;; i = (i + 1) & mask) {
      if (slots_[i].fp == 0 || slots_[i].fp == fp) return &slots_[i];
    }
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.fp != 0) *find(s.fp) = s;
    }
  }
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace netledger::capture
