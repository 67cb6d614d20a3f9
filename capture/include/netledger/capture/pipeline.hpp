// Pipeline: one capture run. Frames from one or more sources go through the decoder
// into the accountant, which feeds the sink; the run's statistics are kept as it goes
// and stored when it ends. The files of a replay are one dataset, fed as one FileMerge:
// flows continue from one file into the next.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "netledger/capture/accountant.hpp"
#include "netledger/capture/decoder.hpp"
#include "netledger/capture/file_merge.hpp"
#include "netledger/capture/packet_source.hpp"
#include "netledger/core/records.hpp"
#include "netledger/core/sink.hpp"

namespace netledger::capture {

enum class FeedEnd : uint8_t {
  kComplete,     // the source ended cleanly
  kTruncated,    // the source broke off (a file cut mid-record); what came before is kept
  kStopped,      // the stop flag or the duration ended it
  kSinkFailed,   // the store could take no more
  kSourceError,  // a live source failed
};

// Where a run stands, for a status line.
struct FeedProgress {
  int64_t wall_us = 0;  // wall time now
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint32_t live_flows = 0;
  DropCounts drops;       // so far, by libpcap's count
  int64_t packet_us = 0;  // the time of the newest packet so far
};

struct FeedOptions {
  const std::atomic<bool>* stop = nullptr;  // checked between reads
  int64_t duration_s = 0;                   // live: stop after this long (0: no limit)
  // Called about every `status_s` seconds of wall time (0: never), between reads, also
  // while the interface is quiet.
  int64_t status_s = 0;
  std::function<void(const FeedProgress&)> on_status;
};

class Pipeline {
 public:
  Pipeline(TrafficSink& sink, AccountantOptions options, std::string kind, std::string source);

  // Registers the run with the sink.
  Status begin();
  // Reads `source` to its end (or until stopped) and returns how it ended; the reason
  // for anything but kComplete/kStopped is in last_error().
  FeedEnd feed(PacketSource& source, const FeedOptions& options = {});
  // Reads the merged files on until one breaks off (kTruncated: feed again to go on with
  // the others), the last ends, or the run is stopped.
  FeedEnd feed(FileMerge& files, const FeedOptions& options = {});
  // Ends every flow, stores the last bucket and the run's statistics with `status`.
  Status finish(const std::string& status);

  [[nodiscard]] const CaptureStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }
  [[nodiscard]] const Accountant& accountant() const noexcept { return accountant_; }

 private:
  // Counts the frame in the run's statistics and charges it at `at_us`.
  void on_packet(const RawPacket& raw, int64_t at_us);
  // Whether `at_us` is a jump: an idle timeout or more from the clock, either way.
  [[nodiscard]] bool jumps(int64_t at_us) const;
  // Charges a packet that jumped to `at_us`, given the time of the one after it (if
  // any): see pipeline.cpp.
  void on_jump(const RawPacket& raw, int64_t at_us, const int64_t* next_us);
  template <class Source>
  FeedEnd feed_from(Source& source, const FeedOptions& options);

  TrafficSink& sink_;
  Accountant accountant_;
  Decoder decoder_;
  DecodedPacket decoded_;
  CaptureStats stats_;
  int64_t jump_us_;
  std::vector<uint8_t> held_;  // a packet that jumped, while the next one is read
  int64_t run_id_ = 0;
  std::string last_error_;
};

}  // namespace netledger::capture
