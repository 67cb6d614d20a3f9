// Inspector: the Classifier on a thread of its own, so nDPI's work on one packet
// overlaps the decoding and accounting of the next ones. The accountant sends it a copy
// of each packet a flow still needs inspected, and a question when a flow ends before
// its answer; answers come back in per-slot records. Message n (feed and conclude
// return n) has been handled once handled(n) is true; only then may its slot's answer
// be read. A flow's answer depends on its own packets only, and the accountant waits
// for the inspector at each bucket boundary, so the result never depends on timing.
// Without a thread (inspection off, or `threaded` false) each message is handled as it
// is sent.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "netledger/capture/classifier.hpp"
#include "netledger/core/flow_key.hpp"
#include "netledger/core/records.hpp"

namespace netledger::capture {

class Inspector {
 public:
  struct Answer {
    bool final = false;  // set by the inspector; the other fields are valid once it is
    AppInfo app;
    ServerName name;
    int64_t seen_s = 0;  // when the packet that gave the answer (or the flow's end) was seen
  };

  // `max_slots` bounds the slots open at once: flows being classified plus flows that
  // ended and wait for their answer.
  Inspector(Classifier::Options options, bool threaded, uint32_t max_slots);
  ~Inspector();
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  [[nodiscard]] bool inspecting() const noexcept { return classifier_.inspecting(); }

  // A slot for a flow's answer (and its nDPI state when it is inspected).
  uint32_t open();
  // Hands `slot` back once its answer has been read.
  void release(uint32_t slot);

  // One packet of the inspected flow in `slot` (see Classifier::feed). Ignored when the
  // slot's answer is already final.
  uint64_t feed(uint32_t slot, const uint8_t* l3, uint32_t l3_len, int64_t ts_us, uint8_t ip_proto,
                uint64_t flow_packets);
  // The flow in `slot` ended: its final answer, from its inspection when `inspected`,
  // else nDPI's guess from `key`. Leaves a final answer that is already there.
  uint64_t conclude(uint32_t slot, bool inspected, const FlowKey& key, bool client_is_lo, int64_t seen_s);

  [[nodiscard]] bool handled(uint64_t seq) noexcept {
    // The worker's counter is read only when the copy here falls short: its cache line
    // moves between the two cores at most once per question.
    if (seq <= handled_seen_) return true;
    handled_seen_ = handled_.load(std::memory_order_acquire);
    return seq <= handled_seen_;
  }
  // The answer in `slot`; read it only once handled() is true for the last message sent
  // for the slot.
  [[nodiscard]] const Answer& answer(uint32_t slot) const noexcept { return at(slot); }
  // Waits until every message sent so far has been handled.
  void wait_all();

  void take_new_labels(std::vector<std::pair<LabelId, std::string>>& out) {
    classifier_.take_new_labels(out);
  }

 private:
  enum class Kind : uint8_t { kFeed, kConclude, kGuess, kWrap };
  struct Header {
    uint32_t slot;
    uint32_t len;  // bytes after the header: the packet, or a FlowKey
    int64_t ts_us;
    uint64_t flow_packets;
    Kind kind;
    uint8_t ip_proto;
    bool client_is_lo;
    uint8_t pad[5];
  };
  static constexpr size_t kRingBytes = size_t{1} << 20;
  static constexpr uint32_t kChunk = 4096;  // answers are kept in chunks that never move

  [[nodiscard]] Answer& at(uint32_t slot) const noexcept { return chunks_[slot / kChunk][slot % kChunk]; }
  uint64_t send(const Header& h, const void* body);
  void handle(const Header& h, const uint8_t* body);
  void run();
  void wake_worker();

  Classifier classifier_;
  bool threaded_;
  // Slots: numbered here (the accountant's thread), answers written by the worker.
  std::vector<std::unique_ptr<Answer[]>> chunks_;  // sized once: never reallocated
  std::vector<uint32_t> free_;
  uint32_t next_slot_ = 0;

  // The message ring: one producer (the accountant), one consumer (the worker). What
  // each side writes sits on cache lines of its own.
  std::unique_ptr<uint8_t[]> ring_;
  uint64_t head_local_ = 0;                    // producer's write position
  uint64_t tail_seen_ = 0;                     // the worker's read position, as last read
  uint64_t handled_seen_ = 0;                  // messages handled, as last read
  uint64_t sent_ = 0;                          // messages sent
  uint32_t unannounced_ = 0;                   // sent since the worker was last woken
  alignas(64) std::atomic<uint64_t> head_{0};  // published write position
  alignas(64) std::atomic<uint64_t> tail_{0};  // the worker's read position
  std::atomic<uint64_t> handled_{0};           // messages handled
  alignas(64) std::atomic<bool> worker_idle_{false};
  std::atomic<bool> producer_waiting_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable worker_cv_;
  std::condition_variable producer_cv_;
  std::thread thread_;
};

}  // namespace netledger::capture
