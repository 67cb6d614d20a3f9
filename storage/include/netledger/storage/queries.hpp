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
  std::string names;  // learned names, most recently seen first, space-separated
  std::string mac;    // the MAC it announced last, when on the local segment
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
  std::string ndpi;  // the name nDPI prints for the flow
  std::string app;
  std::string master;
  std::string category;
};

// Traffic per application protocol: every host's sent bytes summed (each flow's bytes
// once per IP layer), flows from the flow records that started in the range.
struct AppRow {
  std::string app;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t flows = 0;
};

// One host in detail.
struct HostDetail {
  HostRow totals;
  struct Name {
    std::string name;
    std::string source;
    int64_t first_seen_s = 0;
    int64_t last_seen_s = 0;
  };
  struct Mac {
    std::string mac;
    int64_t first_seen_s = 0;
    int64_t last_seen_s = 0;
  };
  struct Protocol {
    std::string l4;
    std::string app;
    uint64_t packets_sent = 0;
    uint64_t bytes_sent = 0;
    uint64_t packets_received = 0;
    uint64_t bytes_received = 0;
    uint64_t flows = 0;
  };
  struct Peer {
    std::string address;
    uint64_t flows = 0;
    uint64_t bytes_sent = 0;      // from this host to the peer
    uint64_t bytes_received = 0;  // from the peer to this host
    std::string apps;             // application protocols seen with the peer
  };
  std::vector<Name> names;
  std::vector<Mac> macs;
  std::vector<Protocol> protocols;
  std::vector<Peer> peers;
};

struct RunRow {
  int64_t id = 0;
  CaptureStats stats;
};

// Hosts by total bytes (sent + received), most first.
Result<std::vector<HostRow>> query_hosts(const Database& db, TimeRange range, size_t limit);
// Innermost transport protocols by bytes, most first.
Result<std::vector<ProtocolRow>> query_protocols(const Database& db, TimeRange range, size_t limit);
// Which flows: those with this host at either end, of this L4 protocol ("udp") or
// application (nDPI's name, e.g. "TLS", of the flow, its app or its master; any case).
struct FlowFilter {
  std::string host;
  std::string protocol;
};
// Flows that overlap the range, by total bytes, most first. kInvalidArgument for a host
// that is not an address.
Result<std::vector<FlowRow>> query_flows(const Database& db, TimeRange range, size_t limit,
                                         const FlowFilter& filter = {});
// Application protocols by bytes, most first.
Result<std::vector<AppRow>> query_apps(const Database& db, TimeRange range, size_t limit);
// One host: kNotFound when the database has never seen it.
Result<HostDetail> query_host(const Database& db, const std::string& address, TimeRange range, size_t limit);
// Capture runs that overlap the range (by packet time, or by wall time when they saw
// no packet), oldest first.
Result<std::vector<RunRow>> query_runs(const Database& db, TimeRange range, size_t limit);

}  // namespace netledger::storage
