// Time as people write it, to and from epoch seconds (UTC).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "netledger/core/result.hpp"

namespace netledger {

// netledger counts time within the years 1 to 9999, the calendar SQLite's date functions
// take: a packet stamped outside it is held to its nearer end (see Pipeline), and so is a
// time read back from a file, where only a hand-edited file holds one outside it. Inside
// it no sum or difference of times, steps and timeouts overflows 64 bits.
inline constexpr int64_t kFirstTimeS = -62'135'596'800;  // 0001-01-01 00:00:00
inline constexpr int64_t kLastTimeS = 253'402'300'799;   // 9999-12-31 23:59:59
constexpr int64_t within_calendar(int64_t epoch_s) {
  return epoch_s < kFirstTimeS ? kFirstTimeS : epoch_s > kLastTimeS ? kLastTimeS : epoch_s;
}
// The same for a time in microseconds, such as a packet's stamp.
constexpr int64_t within_calendar_us(int64_t epoch_us) {
  constexpr int64_t kFirstUs = kFirstTimeS * 1'000'000;
  constexpr int64_t kLastUs = (kLastTimeS + 1) * 1'000'000 - 1;
  return epoch_us < kFirstUs ? kFirstUs : epoch_us > kLastUs ? kLastUs : epoch_us;
}

// The wall clock now, in epoch microseconds.
int64_t wall_clock_us();

// "2026-11-21 13:05:00" in UTC.
std::string format_utc(int64_t epoch_s);
// The same text for a broken-down time (UTC or local), the year always four digits or
// more ("0042-03-01"; strftime's %Y leaves a year below 1000 unpadded).
std::string format_tm(const std::tm& tm);

// Accepts epoch seconds ("1700000000"), a date ("2026-11-01"), a date and time
// ("2026-11-01T13:00", "2026-11-01 13:00:05", optional trailing "Z"), or an age
// relative to `now_s` ("90s", "30m", "24h", "7d", "2w"). All UTC.
Result<int64_t> parse_time(std::string_view text, int64_t now_s);

// a / b rounded down (toward negative infinity), as times before 1970 need.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Start of the UTC minute, hour, day and calendar month holding `epoch_s`.
int64_t minute_start(int64_t epoch_s);
int64_t hour_start(int64_t epoch_s);
int64_t day_start(int64_t epoch_s);
int64_t month_start(int64_t epoch_s);
// The start of the month after the one starting at `month_start_s`.
int64_t next_month(int64_t month_start_s);

// Parses a step such as "5m", "1h", "1d" into seconds, at most the calendar's span.
Result<int64_t> parse_step(std::string_view text);
// Parses an age such as "90s", "48h", "90d", "2w" into seconds, at most the calendar's
// span (longer is "forever" to whoever asks for it).
Result<int64_t> parse_age(std::string_view text);

// An age in the largest whole unit that states it exactly: "1 day", "36 hours", "90 minutes".
std::string format_age(int64_t seconds);

}  // namespace netledger
