// The read side: plain rows for reports. Ranges are [since_s, until_s) in UTC epoch
// seconds over bucket starts; `limit` 0 means every row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netledger/core/records.hpp"
#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

struct TimeRange {
  int64_t since_s = INT64_MIN;
  int64_t until_s = INT64_MAX;
};

struct HostRow {
  std::string address;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;
  uint64_t flows = 0;
  int64_t first_seen_s = 0;
  int64_t last_seen_s = 0;
};

struct ProtocolRow {
  std::string l4;
  uint8_t ip_proto = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t flows = 0;
};

struct FlowRow {
  FlowRecord flow;
  int64_t run_id = 0;
};

struct RunRow {
  int64_t id = 0;
  CaptureStats stats;
};

// Hosts by total bytes (sent + received), most first.
Result<std::vector<HostRow>> query_hosts(const Database& db, TimeRange range, size_t limit);
// Innermost transport protocols by bytes, most first.
Result<std::vector<ProtocolRow>> query_protocols(const Database& db, TimeRange range, size_t limit);
// Flows that overlap the range, by total bytes, most first.
Result<std::vector<FlowRow>> query_flows(const Database& db, TimeRange range, size_t limit);
// Capture runs that overlap the range (by packet time, or by wall time when they saw
// no packet), oldest first.
Result<std::vector<RunRow>> query_runs(const Database& db, TimeRange range, size_t limit);

}  // namespace netledger::storage
