// Accountant: the flow table and the per-bucket counters behind it. It takes decoded
// packets in packet-time order, keeps every IP layer's flow up to date, and at each
// bucket boundary (packet time) charges what the flows carried since the last one to
// their hosts. Ended flows and completed buckets go to the sink in batches.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "netledger/capture/decoded_packet.hpp"
#include "netledger/capture/flow_table.hpp"
#include "netledger/capture/host_table.hpp"
#include "netledger/capture/inspector.hpp"
#include "netledger/capture/names.hpp"
#include "netledger/core/records.hpp"
#include "netledger/core/sink.hpp"

namespace netledger::capture {

struct AccountantOptions {
  int64_t bucket_s = 60;
  int64_t idle_timeout_s = 60;
  int64_t active_timeout_s = 1800;
  int64_t close_linger_s = 5;  // a closed TCP flow waits this long for its last segments
  uint32_t max_flows = 1'000'000;
  size_t flows_per_batch = 8192;
  bool dpi = true;         // application protocols by inspection (nDPI); off: by port only
  bool dpi_thread = true;  // inspection on a thread of its own (see Inspector); same results
};

class Accountant {
 public:
  Accountant(AccountantOptions options, TrafficSink& sink);

  // Charges one frame of `wire_len` bytes seen at `ts_us`. Returns false once the sink
  // has failed (see status()); the caller stops feeding then.
  bool add(int64_t ts_us, uint32_t wire_len, const DecodedPacket& pkt);
  // A neighbour announced its MAC (ARP, neighbour discovery) at `ts_us`.
  void add_neighbor(int64_t ts_us, const Neighbor& n);
  // Moves the clock without a packet (a quiet live interface): buckets close and idle
  // flows expire on time.
  bool advance(int64_t now_us);
  // Ends every live flow and emits the last bucket.
  bool finish();
  // The clock was set back (see Pipeline): what is live ends as at the end of a capture,
  // and the next packet starts the clock again, before the time it had.
  bool restart_clock();
  // The packet time the clock has reached, once a packet has started it.
  [[nodiscard]] bool clock_started() const noexcept { return bucket_s_ != kNoBucket; }
  [[nodiscard]] int64_t clock_us() const noexcept { return now_us_; }

  [[nodiscard]] const Status& status() const noexcept { return status_; }
  [[nodiscard]] uint64_t flows_seen() const noexcept { return flows_seen_; }
  [[nodiscard]] uint64_t flows_evicted() const noexcept { return flows_evicted_; }
  [[nodiscard]] uint32_t live_flows() const noexcept { return table_.size(); }
  // Flows whose application protocol is still open, once the inspector has caught up.
  [[nodiscard]] uint32_t flows_in_classification();

 public:
  // A name or MAC as first seen in the bucket, and when it was last seen there.
  template <class T>
  struct Sighted {
    T first;
    int64_t last_s;
    void see(int64_t t) {
      first.seen_s = std::min(first.seen_s, t);
      last_s = std::max(last_s, t);
    }
  };

 private:
  struct ProtoCounters {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t flows = 0;
  };

  void charge_layer(int64_t ts_us, uint32_t wire_len, const DecodedPacket& pkt, int layer);
  // `continues`: the next part of a flow split at its active timeout, which carries on
  // with the part before's answer and is not a flow of its own in any count.
  uint32_t new_flow(const FlowKey& key, uint64_t hash, int64_t ts_us, bool src_is_lo, const IpLayer& l,
                    bool innermost, bool continues);
  void classify(Flow& f, const IpLayer& l, int64_t ts_us);
  bool take_answer(Flow& f);
  void ask_final(Flow& f, int64_t seen_s);
  void settle(Flow& f);
  uint32_t open_slot();
  void complete_retiring(bool all);
  void learn_names(int64_t ts_us, const DecodedPacket& pkt);
  void learn(const IpAddr& host, std::string_view name, NameSource source, int64_t seen_s);
  void learn(const HostMac& m);
  void send_sightings();
  void expire(int64_t now_us);
  uint32_t soonest_due();
  // The time a packet stamped `ts_us` is counted at (see accountant.cpp).
  [[nodiscard]] int64_t time_of(int64_t ts_us) const;
  [[nodiscard]] bool overdue(const Flow& f, int64_t now_us) const;
  [[nodiscard]] int64_t timeout_us(const Flow& f) const;
  [[nodiscard]] int64_t due_s(const Flow& f) const;
  static uint64_t fingerprint(const IpAddr& host, char kind, std::string_view what);
  void end_flow(uint32_t index, FlowEnd why);
  void close_flow(Flow& f, FlowEnd why);
  void flush_flow(Flow& f);
  struct Endpoints {
    IpAddr client;
    IpAddr server;
  };
  static Endpoints endpoints(const Flow& f);
  bool roll_bucket(int64_t before_us);
  bool emit(bool with_buckets);

  AccountantOptions opt_;
  TrafficSink& sink_;
  FlowTable table_;
  Inspector inspector_;
  // Flows that ended before their answer came back: off the table, in the order they
  // ended, each closed (charged and recorded) once the inspector has answered it.
  struct Retiring {
    Flow flow;
    FlowEnd why;
  };
  std::vector<Retiring> retiring_;
  size_t retiring_head_ = 0;
  Status status_;
  int64_t now_us_ = 0;
  // bucket_s_ before the first packet (a time before 1970 is a time, not "none").
  static constexpr int64_t kNoBucket = INT64_MIN;
  int64_t bucket_s_ = kNoBucket;  // start of the open bucket
  int64_t wheel_s_ = INT64_MIN;   // the first second whose flows the wheel has not looked at
  std::vector<uint32_t> dirty_;
  HostTable hosts_;
  std::array<ProtoCounters, 256> protocols_{};
  TrafficBatch batch_;
  // The names and MACs this bucket saw, each once with its first and last sighting (sent
  // when the bucket closes, the first and the last, so the writer gets the same times
  // whatever order the sightings came in), found by fingerprint.
  SeenSet learned_;
  std::vector<Sighted<HostName>> bucket_names_;
  std::vector<Sighted<HostMac>> bucket_macs_;
  names::Found found_;  // what the last DNS or DHCP message taught
  uint64_t flows_seen_ = 0;
  uint64_t flows_evicted_ = 0;
};

}  // namespace netledger::capture
