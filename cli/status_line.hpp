// A status line on standard error while a capture or a replay runs: what was taken so
// far and at what rate since the line before, so a run of hours shows it is alive and
// keeping up.
#pragma once

#include <cstdint>

#include "netledger/capture/pipeline.hpp"

namespace netledger::cli {

// --status's default: every 10 seconds when standard error is a terminal, else never.
inline constexpr int64_t kStatusOnTerminal = -1;

class StatusLine {
 public:
  // What ends the line: libpcap's drops (live), or how far packet time has got (files).
  enum Tail : uint8_t { kDrops, kPacketTime };
  explicit StatusLine(Tail tail);

  // Makes `feed` print a line every `every_s` seconds (0: never; kStatusOnTerminal: see
  // there). The line must outlive the feed.
  void attach(capture::FeedOptions& feed, int64_t every_s);
  void print(const capture::FeedProgress& p);

 private:
  Tail tail_;
  int64_t start_us_;
  int64_t last_us_;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace netledger::cli
