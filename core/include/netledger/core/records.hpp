// The records that cross module lines: capture emits them, storage keeps them,
// report reads them back. Times are UTC; `_us` is microseconds, `_s` seconds since
// the epoch. Byte counts are wire bytes (the frame's original length).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "netledger/core/ip_addr.hpp"

namespace netledger {

// Application protocols, categories and nDPI's flow names travel as small label ids;
// each batch carries the labels first used in it (TrafficBatch::labels). Label 0 is
// always "Unknown".
using LabelId = uint16_t;
inline constexpr LabelId kUnknownLabel = 0;

// A flow's application protocol as nDPI names it.
struct AppInfo {
  LabelId ndpi = kUnknownLabel;      // the name nDPI prints: "TLS.YouTube", "DNS", "Unknown"
  LabelId app = kUnknownLabel;       // the most specific protocol: "YouTube"
  LabelId master = kUnknownLabel;    // the carrier where there is one: "TLS"; else Unknown
  LabelId category = kUnknownLabel;  // nDPI's category: "Media"
  bool guessed = false;              // found by port (or address) only, not by inspection
};

// Traffic of one host with one transport and one application protocol within one bucket.
struct HostBucket {
  int64_t bucket_s = 0;
  IpAddr host;
  uint8_t ip_proto = 0;
  LabelId app = kUnknownLabel;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_received = 0;
  uint64_t bytes_received = 0;
  uint64_t flows = 0;  // flows that started in this bucket with this host as an endpoint
};

// Traffic per innermost transport protocol within one bucket: each frame counted once.
struct ProtocolBucket {
  int64_t bucket_s = 0;
  uint8_t ip_proto = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t flows = 0;
};

enum class FlowEnd : uint8_t {
  kIdle,          // idle timeout
  kActive,        // active timeout: the flow goes on as a new record
  kClosed,        // TCP FIN from both sides or RST
  kEvicted,       // the live-flow cap forced it out
  kEndOfCapture,  // still live when the capture ended
};

const char* flow_end_name(FlowEnd end) noexcept;

struct FlowRecord {
  IpAddr client;
  IpAddr server;
  uint16_t client_port = 0;
  uint16_t server_port = 0;
  uint8_t ip_proto = 0;
  bool tunnel = false;      // this flow carried other IP layers (GRE, VXLAN, 6in4...)
  uint16_t vlan = 0;        // innermost 802.1Q id, 0 when untagged
  uint16_t outer_vlan = 0;  // outermost id when stacked (QinQ), else 0
  int64_t first_us = 0;
  int64_t last_us = 0;
  uint64_t packets_c2s = 0;
  uint64_t bytes_c2s = 0;
  uint64_t packets_s2c = 0;
  uint64_t bytes_s2c = 0;
  FlowEnd end = FlowEnd::kIdle;
  AppInfo app;
};

// Where a host's name was learned, from the traffic itself.
enum class NameSource : uint8_t { kDns, kTlsSni, kQuicSni, kHttpHost, kDhcp };
const char* name_source_name(NameSource s) noexcept;

struct HostName {
  IpAddr host;
  std::string name;
  NameSource source = NameSource::kDns;
  int64_t seen_s = 0;
};

// A link-layer address a host announced on the local segment (ARP, neighbour discovery, DHCP).
struct HostMac {
  IpAddr host;
  std::array<uint8_t, 6> mac{};
  int64_t seen_s = 0;
};

// What one capture run (a replay of one or more files, or one live capture) saw.
struct CaptureStats {
  std::string kind;  // "replay" or "capture"
  std::string source;
  int64_t started_s = 0;
  int64_t finished_s = 0;
  int64_t first_packet_us = 0;
  int64_t last_packet_us = 0;
  uint64_t packets_read = 0;
  uint64_t bytes_read = 0;       // wire bytes
  uint64_t bytes_captured = 0;   // captured bytes (less than wire where a snaplen cut frames)
  uint64_t packets_decoded = 0;  // frames with at least one IP layer
  uint64_t non_ip_packets = 0;
  uint64_t drops_kernel = 0;     // pcap_stats ps_drop
  uint64_t drops_interface = 0;  // pcap_stats ps_ifdrop
  uint64_t flows_seen = 0;
  uint64_t flows_evicted = 0;
  std::vector<std::pair<std::string, uint64_t>> anomalies;  // named counters, only non-zero ones
  std::string status;  // "running", "complete", "truncated", "failed", "interrupted"
  std::string error;   // first error or warning that ended a source early
};

// One unit of work for a sink. Buckets are complete when emitted.
struct TrafficBatch {
  std::vector<std::pair<LabelId, std::string>> labels;  // labels first used in this batch
  std::vector<HostBucket> hosts;
  std::vector<ProtocolBucket> protocols;
  std::vector<FlowRecord> flows;
  std::vector<HostName> names;
  std::vector<HostMac> macs;
  // Empties every list and keeps their memory.
  void clear() {
    labels.clear();
    hosts.clear();
    protocols.clear();
    flows.clear();
    names.clear();
    macs.clear();
  }
  [[nodiscard]] bool empty() const {
    return labels.empty() && hosts.empty() && protocols.empty() && flows.empty() && names.empty() &&
           macs.empty();
  }
};

// Transport protocol name as reports show it ("tcp", "udp", "icmp", "ipv6-icmp"...).
std::string ip_proto_name(uint8_t ip_proto);
// The protocol number of such a name ("udp", "ip-99"), in any case; none for another.
std::optional<uint8_t> ip_proto_number(std::string_view name);

}  // namespace netledger
