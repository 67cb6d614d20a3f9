#include "netledger/capture/pipeline.hpp"

#include <algorithm>
#include <ctime>
#include <utility>

#include "netledger/core/time_format.hpp"

namespace netledger::capture {

namespace {

int64_t wall_now_s() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

Pipeline::Pipeline(TrafficSink& sink, AccountantOptions options, std::string kind, std::string source)
    : sink_(sink), accountant_(options, sink), jump_us_(options.idle_timeout_s * 1'000'000) {
  stats_.kind = std::move(kind);
  stats_.source = std::move(source);
  stats_.status = "running";
}

Status Pipeline::begin() {
  stats_.started_s = wall_now_s();
  auto id = sink_.begin_run(stats_);
  if (!id.ok()) return id.error();
  run_id_ = *id;
  return {};
}

void Pipeline::on_packet(const RawPacket& raw, int64_t at_us) {
  ++stats_.packets_read;
  stats_.bytes_read += raw.wire_len;
  stats_.bytes_captured += raw.caplen;
  // A time of 0 is a time (a device whose clock was never set), not "none yet".
  if (stats_.packets_read == 1 || raw.ts_us < stats_.first_packet_us) stats_.first_packet_us = raw.ts_us;
  if (stats_.packets_read == 1 || raw.ts_us > stats_.last_packet_us) stats_.last_packet_us = raw.ts_us;
  if (raw.caplen < raw.wire_len) decoder_.anomalies().bump(Anomaly::kSnaplenCut);
  switch (decoder_.decode(raw.link_type, raw.data, raw.caplen, at_us, decoded_)) {
    case Verdict::kIp:
      ++stats_.packets_decoded;
      accountant_.add(at_us, raw.wire_len, decoded_);
      break;
    case Verdict::kNonIp:
      ++stats_.non_ip_packets;
      if (decoded_.has_neighbor) {
        accountant_.add_neighbor(at_us, decoded_.neighbor);
      } else {
        accountant_.advance(at_us);
      }
      break;
    case Verdict::kBroken: accountant_.advance(at_us); break;
  }
}

bool Pipeline::jumps(int64_t at_us) const {
  if (!accountant_.clock_started()) return false;
  const int64_t clock_us = accountant_.clock_us();
  return at_us - clock_us >= jump_us_ || clock_us - at_us >= jump_us_;
}

// Packet time is the clock, and it moves forward only. A packet that jumps an idle
// timeout or more from it is told apart by the packet after it:
// - ahead, and the next one is back behind it: one bad time stamp (a corrupt record, a
//   clock glitch). It is counted at the clock's time, or every packet after it would be
//   charged to the minute it claims, years away perhaps.
// - behind, and the next one is behind the clock too: the capturing host's clock was set
//   back. What is live ends as at the end of a capture and the clock starts again from
//   this packet, or the traffic until the clock caught up again (an hour of it, after a
//   step of an hour) would all be charged to the open minute.
// - behind, alone (the next is not, or there is none): counted at the clock's time.
// - ahead, and the next one goes on from it (a quiet spell, a clock set forward, or no next
//   packet): its own time, as any other.
void Pipeline::on_jump(const RawPacket& raw, int64_t at_us, const int64_t* next_us) {
  const int64_t clock_us = accountant_.clock_us();
  if (at_us > clock_us) {
    const bool alone = next_us != nullptr && at_us - *next_us >= jump_us_;
    if (alone) decoder_.anomalies().bump(Anomaly::kTimeOutlier);
    on_packet(raw, alone ? clock_us : at_us);
    return;
  }
  if (next_us != nullptr && clock_us - *next_us >= jump_us_) {
    decoder_.anomalies().bump(Anomaly::kClockStepBack);
    if (accountant_.restart_clock()) on_packet(raw, at_us);
    return;
  }
  decoder_.anomalies().bump(Anomaly::kTimeOutlier);
  on_packet(raw, clock_us);
}

template <class Source>
FeedEnd Pipeline::feed_from(Source& source, const FeedOptions& options) {
  const int64_t start_us = wall_clock_us();
  const int64_t deadline_us = options.duration_s > 0 ? start_us + options.duration_s * 1'000'000 : 0;
  const int64_t status_us = options.on_status && options.status_s > 0 ? options.status_s * 1'000'000 : 0;
  int64_t next_status_us = status_us != 0 ? start_us + status_us : 0;
  RawPacket raw;
  RawPacket next;
  bool have_next = false;  // `next` holds the packet read after one that jumped
  ReadResult next_r = ReadResult::kEnd;
  FeedEnd end = FeedEnd::kComplete;
  for (;;) {
    if (!have_next && options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
      end = FeedEnd::kStopped;
      break;
    }
    ReadResult r;
    if (have_next) {
      r = next_r;
      raw = next;
      have_next = false;
    } else {
      r = source.next(raw);
    }
    if (r == ReadResult::kPacket) {
      // Packet time is counted within the years 1 to 9999. A stamp outside them is no time
      // a capture was taken at: a corrupt record, or a pcapng stamp in coarse units (whole
      // seconds, say) or with an offset past what 64 bits of microseconds hold. It is held
      // to the nearer end and counted as `time_out_of_range`; from there the clock treats
      // it as any other stamp far from its neighbours. The run's first and last packet
      // times stay the stamps the file holds.
      const int64_t at_us = within_calendar_us(raw.ts_us);
      if (at_us != raw.ts_us) decoder_.anomalies().bump(Anomaly::kTimeOutOfRange);
      if (jumps(at_us)) {
        // The next read may reuse the frame's bytes: it waits in a copy of its own.
        held_.assign(raw.data, raw.data + raw.caplen);
        RawPacket held = raw;
        held.data = held_.data();
        next_r = source.next(next);
        have_next = true;
        const int64_t next_us = within_calendar_us(next.ts_us);
        on_jump(held, at_us, next_r == ReadResult::kPacket ? &next_us : nullptr);
      } else {
        on_packet(raw, at_us);
      }
      if (!accountant_.status().ok()) {
        end = FeedEnd::kSinkFailed;
        last_error_ = accountant_.status().error().message;
        break;
      }
    } else if (r == ReadResult::kTimeout) {
      // A quiet interface: let wall time close buckets and expire flows.
      accountant_.advance(wall_clock_us());
    } else if (r == ReadResult::kEnd) {
      end = (options.stop != nullptr && options.stop->load()) ? FeedEnd::kStopped : FeedEnd::kComplete;
      break;
    } else {
      last_error_ = source.error();
      end = stats_.kind == "replay" ? FeedEnd::kTruncated : FeedEnd::kSourceError;
      break;
    }
    // The wall clock is read (for the duration and the status line) on quiet reads, every
    // 64 packets, and when a live packet's own time says the next of those is due, so a
    // trickle of packets never holds either back; not per packet.
    const int64_t due_us = deadline_us == 0      ? next_status_us
                           : next_status_us == 0 ? deadline_us
                                                 : std::min(deadline_us, next_status_us);
    if (due_us == 0) continue;
    const bool check_clock = r == ReadResult::kTimeout || (stats_.packets_read & 0x3F) == 0 ||
                             (r == ReadResult::kPacket && raw.ts_us >= due_us);
    if (!check_clock) continue;
    const int64_t now_us = wall_clock_us();
    if (next_status_us != 0 && now_us >= next_status_us) {
      options.on_status(FeedProgress{now_us, stats_.packets_read, stats_.bytes_read, accountant_.live_flows(),
                                     source.drops(), stats_.last_packet_us});
      next_status_us = now_us + status_us;
    }
    if (!have_next && deadline_us != 0 && now_us >= deadline_us) {
      end = FeedEnd::kStopped;
      break;
    }
  }
  DropCounts d = source.drops();
  stats_.drops_kernel += d.kernel;
  stats_.drops_interface += d.interface;
  if (!last_error_.empty() && stats_.error.empty()) stats_.error = last_error_;
  return end;
}

FeedEnd Pipeline::feed(PacketSource& source, const FeedOptions& options) {
  return feed_from(source, options);
}

FeedEnd Pipeline::feed(FileMerge& files, const FeedOptions& options) {
  return feed_from(files, options);
}

Status Pipeline::finish(const std::string& status) {
  bool flushed = accountant_.finish();
  stats_.finished_s = wall_now_s();
  stats_.flows_seen = accountant_.flows_seen();
  stats_.flows_evicted = accountant_.flows_evicted();
  stats_.anomalies = decoder_.anomalies().nonzero();
  stats_.status = flushed ? status : "failed";
  if (!flushed && stats_.error.empty()) stats_.error = accountant_.status().error().message;
  Status stored = sink_.end_run(run_id_, stats_);
  if (!flushed) return accountant_.status();
  return stored;
}

}  // namespace netledger::capture
