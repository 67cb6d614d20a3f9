// Queries over periods: traffic over time at a step, totals per day or billing month,
// and interface utilisation with the 95th percentile. Each reads the finest resolution
// that still covers the range.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/maintenance.hpp"
#include "netledger/storage/queries.hpp"

namespace netledger::storage {

enum class SeriesBy { kTotal, kHost, kProtocol, kApp, kInterface };

struct Filter {
  std::string host;      // an address: only its traffic
  std::string protocol;  // an L4 name ("tcp") or an application ("TLS")
  std::string device;
  std::string port;
};

struct Series {
  std::string name;
  std::vector<double> values;      // per step: bytes (traffic) or bytes in (interfaces)
  std::vector<double> values_out;  // interfaces: bytes out per step
};

struct Timeline {
  int64_t step_s = 0;
  Resolution resolution = Resolution::kMinute;
  std::vector<int64_t> starts;  // the start of each step
  std::vector<Series> series;   // the top few, then "other"
};

Result<Timeline> query_timeline(const Database& db, TimeRange range, int64_t step_s, SeriesBy by,
                                const Filter& filter, size_t top_series);

struct PeriodRow {
  int64_t start_s = 0;
  int64_t end_s = 0;  // exclusive
  uint64_t bytes = 0;
  uint64_t packets = 0;
  uint64_t flows = 0;
  bool current = false;       // the period holding `now`
  double estimate_bytes = 0;  // current period: extrapolated to its end
};

// Totals per UTC day, or per month starting on `billing_day` (1-28).
Result<std::vector<PeriodRow>> query_summary(const Database& db, TimeRange range, bool monthly,
                                             int billing_day, int64_t now_s);

struct InterfaceUsage {
  std::string device;
  int64_t if_index = 0;
  std::string name, alias;
  int64_t speed_bps = 0;  // 0: unknown
  size_t samples = 0;
  double avg_in_bps = 0, avg_out_bps = 0, max_in_bps = 0, max_out_bps = 0, p95_in_bps = 0, p95_out_bps = 0;
  std::vector<int64_t> at_s;  // the samples, for charts
  std::vector<double> in_bps, out_bps;
};

Result<std::vector<InterfaceUsage>> query_interface_usage(const Database& db, const Filter& filter,
                                                          TimeRange range);

}  // namespace netledger::storage
