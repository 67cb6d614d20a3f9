#include "netledger/capture/inspector.hpp"

#include <pthread.h>

#include <chrono>
#include <cstring>

namespace netledger::capture {

namespace {

constexpr size_t align8(size_t n) {
  return (n + 7) & ~size_t{7};
}

// Messages sent while the worker sleeps before it is woken; it also wakes by itself
// after kIdleWait, so a quiet live capture costs it a few wake-ups a second.
constexpr uint32_t kWakeAfter = 64;
constexpr auto kIdleWait = std::chrono::milliseconds(10);
constexpr auto kProducerWait = std::chrono::milliseconds(1);
constexpr int kSpins = 256;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

Inspector::Inspector(Classifier::Options options, bool threaded, uint32_t max_slots)
    : classifier_(options), threaded_(threaded && classifier_.inspecting()) {
  // Flows that ended wait for their answer off the flow table, each with a message in
  // the ring: the ring bounds how many there can be.
  const uint64_t slots = uint64_t{max_slots} + kRingBytes / sizeof(Header) + kChunk;
  chunks_.resize(static_cast<size_t>(slots / kChunk + 1));
  if (threaded_) {
    ring_ = std::make_unique<uint8_t[]>(kRingBytes);
    thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "netledger-dpi");  // as top -H and perf show it
      run();
    });
  }
}

Inspector::~Inspector() {
  if (!threaded_) return;
  {
    std::lock_guard lock(mu_);
    stopping_.store(true);
    worker_cv_.notify_one();
  }
  thread_.join();
}

uint32_t Inspector::open() {
  uint32_t slot = 0;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    if (next_slot_ / kChunk >= chunks_.size()) return kNoSlot;
    slot = next_slot_++;
    auto& chunk = chunks_[slot / kChunk];
    if (!chunk) chunk = std::make_unique<Answer[]>(kChunk);
  }
  return slot;
}

void Inspector::release(uint32_t slot) {
  at(slot) = Answer{};
  free_.push_back(slot);
}

uint64_t Inspector::feed(uint32_t slot, const uint8_t* l3, uint32_t l3_len, int64_t ts_us, uint8_t ip_proto,
                         uint64_t flow_packets) {
  Header h{};
  h.slot = slot;
  h.len = l3 != nullptr ? l3_len : 0;
  h.ts_us = ts_us;
  h.flow_packets = flow_packets;
  h.kind = Kind::kFeed;
  h.ip_proto = ip_proto;
  return send(h, l3);
}

uint64_t Inspector::conclude(uint32_t slot, bool inspected, const FlowKey& key, bool client_is_lo,
                             int64_t seen_s) {
  Header h{};
  h.slot = slot;
  h.len = sizeof key;
  h.ts_us = seen_s * 1'000'000;
  h.kind = inspected ? Kind::kConclude : Kind::kGuess;
  h.ip_proto = key.ip_proto;
  h.client_is_lo = client_is_lo;
  return send(h, &key);
}

void Inspector::handle(const Header& h, const uint8_t* body) {
  Answer& a = at(h.slot);
  if (a.final) return;  // packets sent before the answer was seen, or a flow ending after it
  if (h.kind == Kind::kFeed) {
    if (classifier_.feed(h.slot, body, h.len, h.ts_us, h.ip_proto, h.flow_packets, a.app, a.name)) {
      a.seen_s = h.ts_us / 1'000'000;
      a.final = true;
    }
    return;
  }
  FlowKey key;
  std::memcpy(&key, body, sizeof key);
  classifier_.conclude(h.kind == Kind::kConclude ? h.slot : kNoSlot, key, h.client_is_lo, a.app, a.name);
  a.seen_s = h.ts_us / 1'000'000;
  a.final = true;
}

uint64_t Inspector::send(const Header& h, const void* body) {
  if (!threaded_) {
    handle(h, static_cast<const uint8_t*>(body));
    ++sent_;
    handled_seen_ = sent_;
    return sent_;
  }
  const size_t need = align8(sizeof(Header) + h.len);
  size_t off = head_local_ & (kRingBytes - 1);
  const size_t to_end = kRingBytes - off;
  const uint64_t total = need + (to_end < need ? to_end : 0);
  // Back-pressure, never loss: wait for the worker to make room.
  while (head_local_ + total - tail_seen_ > kRingBytes) {
    tail_seen_ = tail_.load(std::memory_order_acquire);
    if (head_local_ + total - tail_seen_ <= kRingBytes) break;
    std::unique_lock lock(mu_);
    producer_waiting_.store(true);
    if (head_local_ + total - tail_.load() > kRingBytes) {
      worker_cv_.notify_one();
      producer_cv_.wait_for(lock, kProducerWait);
    }
    producer_waiting_.store(false);
  }
  uint8_t* ring = ring_.get();
  if (to_end < need) {  // no room before the end: the rest of the ring is skipped
    if (to_end >= sizeof(Header)) {
      Header wrap{};
      wrap.kind = Kind::kWrap;
      std::memcpy(ring + off, &wrap, sizeof wrap);
    }
    head_local_ += to_end;
    off = 0;
  }
  std::memcpy(ring + off, &h, sizeof h);
  if (h.len > 0) std::memcpy(ring + off + sizeof h, body, h.len);
  head_local_ += need;
  head_.store(head_local_);
  ++sent_;
  if (++unannounced_ >= kWakeAfter && worker_idle_.load()) wake_worker();
  return sent_;
}

void Inspector::wake_worker() {
  unannounced_ = 0;
  std::lock_guard lock(mu_);
  worker_cv_.notify_one();
}

void Inspector::wait_all() {
  if (!threaded_) return;
  while (!handled(sent_)) {
    std::unique_lock lock(mu_);
    producer_waiting_.store(true);
    if (handled_.load() < sent_) {
      worker_cv_.notify_one();
      producer_cv_.wait_for(lock, kProducerWait);
    }
    producer_waiting_.store(false);
  }
  unannounced_ = 0;
}

void Inspector::run() {
  const uint8_t* ring = ring_.get();
  uint64_t tail = 0;
  uint64_t handled = 0;
  for (;;) {
    uint64_t head = head_.load(std::memory_order_acquire);
    for (int i = 0; i < kSpins && head == tail; ++i) {
      cpu_relax();
      head = head_.load(std::memory_order_acquire);
    }
    if (head == tail) {
      std::unique_lock lock(mu_);
      worker_idle_.store(true);
      if (head_.load() == tail) {
        if (stopping_.load()) return;
        worker_cv_.wait_for(lock, kIdleWait);
      }
      worker_idle_.store(false);
      continue;
    }
    while (tail != head) {
      const size_t off = tail & (kRingBytes - 1);
      const size_t to_end = kRingBytes - off;
      Header h;
      if (to_end >= sizeof h) std::memcpy(&h, ring + off, sizeof h);
      if (to_end < sizeof h || h.kind == Kind::kWrap) {
        tail += to_end;
        continue;
      }
      handle(h, ring + off + sizeof h);
      tail += align8(sizeof h + h.len);
      tail_.store(tail, std::memory_order_release);
      handled_.store(++handled, std::memory_order_release);
    }
    if (producer_waiting_.load()) {
      std::lock_guard lock(mu_);
      producer_cv_.notify_one();
    }
  }
}

}  // namespace netledger::capture
