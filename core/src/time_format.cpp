#include "netledger/core/time_format.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "netledger/core/counted.hpp"

namespace netledger {

int64_t wall_clock_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_utc(int64_t epoch_s) {
  auto t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return format_tm(tm);
}

std::string format_tm(const std::tm& tm) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(tm.tm_year) + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<int64_t> bad_time(std::string_view text) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid time '" + std::string(text) +
                        "': expected epoch seconds, YYYY-MM-DD[THH:MM[:SS]], or an age like 24h, 7d");
}

}  // namespace

Result<int64_t> parse_time(std::string_view text, int64_t now_s) {
  int64_t n = 0;
  if (parse_int(text, n)) return n;
  if (text.size() >= 2) {
    int64_t unit = 0;
    switch (text.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = int64_t{7} * 86400; break;
      default: break;
    }
    if (unit != 0 && parse_int(text.substr(0, text.size() - 1), n) && n >= 0) {
      int64_t back = 0;
      int64_t t = 0;
      if (__builtin_mul_overflow(n, unit, &back) || __builtin_sub_overflow(now_s, back, &t)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "invalid time '" + std::string(text) + "': an age further back than a time can be");
      }
      return t;
    }
  }
  std::string s(text);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  std::tm tm{};
  const char* end = nullptr;
  for (const char* fmt :
       {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"}) {
    tm = std::tm{};
    end = strptime(s.c_str(), fmt, &tm);
    if (end != nullptr && *end == '\0') return static_cast<int64_t>(timegm(&tm));
  }
  return bad_time(text);
}

int64_t minute_start(int64_t epoch_s) {
  return floor_div(epoch_s, 60) * 60;
}

int64_t hour_start(int64_t epoch_s) {
  return floor_div(epoch_s, 3600) * 3600;
}

int64_t day_start(int64_t epoch_s) {
  return floor_div(epoch_s, 86400) * 86400;
}

int64_t month_start(int64_t epoch_s) {
  auto t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<int64_t>(timegm(&tm));
}

int64_t next_month(int64_t month_start_s) {
  auto t = static_cast<std::time_t>(month_start_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_mon += 1;
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<int64_t>(timegm(&tm));
}

namespace {

// A length of time: a whole number above zero and one of `units` (of s, m, h, d and w), up
// to the span of the calendar netledger counts in. `what` and `like` word the errors.
Result<int64_t> parse_length(std::string_view text, std::string_view units, const char* what,
                             const char* like) {
  int64_t n = 0;
  int64_t unit = 0;
  if (text.size() >= 2 && units.find(text.back()) != std::string_view::npos) {
    switch (text.back()) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = int64_t{7} * 86400; break;
      default: break;
    }
  }
  if (unit != 0 && parse_int(text.substr(0, text.size() - 1), n) && n > 0) {
    constexpr int64_t kLongest = kLastTimeS - kFirstTimeS + 1;
    if (n <= kLongest / unit) return n * unit;
    return make_error(ErrorCode::kInvalidArgument, std::string("invalid ") + what + " '" + std::string(text) +
                                                       "': longer than 10,000 years");
  }
  return make_error(ErrorCode::kInvalidArgument,
                    std::string("invalid ") + what + " '" + std::string(text) + "': expected " + like);
}

}  // namespace

// A longer step than the calendar has one point.
Result<int64_t> parse_step(std::string_view text) {
  return parse_length(text, "mhdw", "step", "a number and m, h, d or w (5m, 1h, 1d)");
}

Result<int64_t> parse_age(std::string_view text) {
  return parse_length(text, "smhdw", "age", "a number and s, m, h, d or w (48h, 90d, 2w)");
}

std::string format_age(int64_t seconds) {
  const auto n = [](int64_t v) { return static_cast<unsigned long long>(v); };
  if (seconds > 0 && seconds % 86400 == 0) return counted(n(seconds / 86400), "day", "days");
  if (seconds > 0 && seconds % 3600 == 0) return counted(n(seconds / 3600), "hour", "hours");
  if (seconds > 0 && seconds % 60 == 0) return counted(n(seconds / 60), "minute", "minutes");
  // Negated as unsigned: a stored age of INT64_MIN has no signed negation.
  return seconds < 0 ? "-" + counted(0 - n(seconds), "second", "seconds")
                     : counted(n(seconds), "second", "seconds");
}

}  // namespace netledger
