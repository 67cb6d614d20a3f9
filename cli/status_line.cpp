#include "status_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "netledger/core/counted.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/report/table.hpp"

namespace netledger::cli {

StatusLine::StatusLine(Tail tail) : tail_(tail), start_us_(wall_clock_us()), last_us_(start_us_) {}

void StatusLine::attach(capture::FeedOptions& feed, int64_t every_s) {
  feed.status_s = every_s != kStatusOnTerminal ? every_s : (isatty(STDERR_FILENO) != 0 ? 10 : 0);
  feed.on_status = [this](const capture::FeedProgress& p) { print(p); };
}

// "+20s: 1843 packets (92/s), 1.1 MiB (461.2 kb/s), 14 flows live, dropped 0 (kernel) 0 (interface)"
void StatusLine::print(const capture::FeedProgress& p) {
  const double seconds = static_cast<double>(std::max<int64_t>(p.wall_us - last_us_, 1)) / 1e6;
  const auto per_s = [&](uint64_t now, uint64_t before) {
    return static_cast<double>(now - before) / seconds;
  };
  std::string tail;
  if (tail_ == kDrops) {
    tail = "dropped " + std::to_string(p.drops.kernel) + " (kernel) " + std::to_string(p.drops.interface) +
           " (interface)";
  } else {
    tail = "packet time " + format_utc(p.packet_us / 1'000'000);
  }
  std::fprintf(stderr, "+%llds: %s (%.0f/s), %s (%s), %s live, %s\n",
               static_cast<long long>((p.wall_us - start_us_) / 1'000'000),
               counted(p.packets, "packet", "packets").c_str(), per_s(p.packets, packets_),
               report::human_bytes(static_cast<int64_t>(p.bytes)).c_str(),
               report::human_rate(per_s(p.bytes, bytes_) * 8).c_str(),
               counted(p.live_flows, "flow", "flows").c_str(), tail.c_str());
  last_us_ = p.wall_us;
  packets_ = p.packets;
  bytes_ = p.bytes;
}

}  // namespace netledger::cli
