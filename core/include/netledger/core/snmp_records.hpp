// The records the SNMP poller emits and the store keeps: what a device said in one
// poll (system group, one row per interface with raw counters), the rates computed
// from two valid samples, and findings about misconfigured or failing hardware.
// Times are UTC epoch seconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"

namespace netledger {

// One ifTable/ifXTable/dot3StatsTable row as read. Counters are absent where the agent
// had no such column (a missing value is not a zero).
struct IfRow {
  uint32_t if_index = 0;
  std::string name;   // ifName
  std::string descr;  // ifDescr
  std::string alias;  // ifAlias
  std::optional<int64_t> type;
  std::optional<int64_t> mtu;
  std::optional<uint64_t> speed;          // ifSpeed, bit/s (4294967295 means "look at ifHighSpeed")
  std::optional<uint64_t> high_speed;     // ifHighSpeed, Mb/s
  std::string mac;                        // "aabbccddeeff", "" when none
  std::optional<int64_t> admin_status;    // 1 up, 2 down, 3 testing
  std::optional<int64_t> oper_status;     // 1 up, 2 down, ..., 7 lowerLayerDown
  std::optional<uint64_t> last_change;    // ifLastChange, centiseconds of sysUpTime
  std::optional<uint64_t> discontinuity;  // ifCounterDiscontinuityTime
  std::optional<int64_t> duplex;          // dot3StatsDuplexStatus: 1 unknown, 2 half, 3 full
  // 32-bit ifTable counters and their 64-bit ifXTable twins.
  std::optional<uint64_t> in_octets, out_octets, hc_in_octets, hc_out_octets;
  std::optional<uint64_t> in_ucast, out_ucast, hc_in_ucast, hc_out_ucast;
  std::optional<uint64_t> in_mcast, out_mcast, hc_in_mcast, hc_out_mcast;
  std::optional<uint64_t> in_bcast, out_bcast, hc_in_bcast, hc_out_bcast;
  std::optional<uint64_t> in_discards, out_discards, in_errors, out_errors, in_unknown_protos;
  // dot3StatsTable.
  std::optional<uint64_t> alignment_errors, fcs_errors, single_collisions, multiple_collisions,
      late_collisions, excessive_collisions, carrier_sense_errors, frame_too_longs, symbol_errors;

  // Speed in bit/s (RFC 2863: ifHighSpeed when it says more), or 0 when unknown.
  [[nodiscard]] uint64_t speed_bps() const {
    if (high_speed && *high_speed > 0) return *high_speed * 1'000'000ULL;
    if (speed && *speed != 4294967295ULL) return *speed;
    return 0;
  }
  // The octet counters to use: 64-bit where the agent has them and they are not stuck at
  // 0 while the 32-bit twin moves; `width` says which (64 or 32, 0 when none).
  [[nodiscard]] int octet_width() const {
    if (hc_in_octets && hc_out_octets &&
        !(*hc_in_octets == 0 && *hc_out_octets == 0 && in_octets && *in_octets != 0)) {
      return 64;
    }
    if (in_octets && out_octets) return 32;
    return 0;
  }
  [[nodiscard]] std::optional<uint64_t> in_octets_used() const {
    int w = octet_width();
    return w == 64 ? hc_in_octets : w == 32 ? in_octets : std::nullopt;
  }
  [[nodiscard]] std::optional<uint64_t> out_octets_used() const {
    int w = octet_width();
    return w == 64 ? hc_out_octets : w == 32 ? out_octets : std::nullopt;
  }
};

struct DeviceInfo {
  std::string sys_name;
  std::string sys_descr;
  std::string sys_object_id;
  std::optional<uint64_t> sys_uptime;  // centiseconds
  std::optional<uint64_t> engine_boots;
  std::optional<uint64_t> engine_time;  // seconds
  std::optional<uint64_t> hr_uptime;    // centiseconds
  // Uptime in seconds from every clock the agent gave (SNMP-RULES: the largest).
  [[nodiscard]] std::optional<uint64_t> uptime_s() const {
    std::optional<uint64_t> u;
    auto take = [&](std::optional<uint64_t> v) {
      if (v && (!u || *v > *u)) u = v;
    };
    if (sys_uptime) take(*sys_uptime / 100);
    take(engine_time);
    if (hr_uptime) take(*hr_uptime / 100);
    return u;
  }
};

// What one device answered in one cycle.
struct DevicePoll {
  std::string device;   // the inventory name (or HOST[:PORT] from the command line)
  std::string address;  // host:port polled
  bool reachable = false;
  std::string error;                  // why the poll failed or stopped early ("" when it is complete)
  std::vector<std::string> warnings;  // what was odd but did not stop it
  int64_t polled_s = 0;               // wall clock at the response
  int64_t mono_ms = 0;                // local monotonic clock at the response (for Δt)
  int64_t took_ms = 0;
  int64_t values = 0;           // variable bindings the agent answered with
  bool inventory_read = false;  // names, types, MTUs, MACs, aliases were read (not reused)
  DeviceInfo info;
  std::map<uint32_t, IfRow> interfaces;
};

// Rates of one interface over one interval, from two valid samples.
struct IfRate {
  uint32_t if_index = 0;
  int64_t at_s = 0;
  double interval_s = 0;
  double in_bps = 0, out_bps = 0;
  double in_pps = 0, out_pps = 0;
  double in_errors_ps = 0, out_errors_ps = 0;
  double in_discards_ps = 0, out_discards_ps = 0;
  double utilisation = -1;  // max(in, out) / speed, 0..1; -1 when the speed is unknown
  int width = 0;            // counter width the octets came from
};

enum class Severity : uint8_t { kInfo, kWarn, kCrit };
const char* severity_name(Severity s) noexcept;

struct Finding {
  std::string rule;  // "UT1"
  Severity severity = Severity::kWarn;
  std::string device;
  uint32_t if_index = 0;  // 0 for device-wide findings
  std::string port;       // the interface's name, for people
  std::string evidence;   // the counters and rates that triggered it
  std::string explanation;
  int64_t seen_s = 0;
  bool cleared = false;  // true: the condition has gone (the finding closes)
};

// Everything one cycle learned about one device, for the store.
struct DeviceCycle {
  DevicePoll poll;
  std::vector<IfRate> rates;
  std::vector<Finding> findings;  // raised, still open, and cleared this cycle
  // Per-interface memory the rules need next time (previous sample, hysteresis,
  // transitions), as opaque text the poller reads back.
  std::map<uint32_t, std::string> memory;
  std::string device_memory;
};

// What the poller remembered about a device at its last cycle, as the store keeps it.
struct StoredMemory {
  std::string device;
  std::map<uint32_t, std::string> ports;
};

class SnmpSink {
 public:
  virtual ~SnmpSink() = default;
  virtual Status store(const DeviceCycle& cycle) = 0;
  // The memory stored with the device's last cycle (empty for a device never polled).
  virtual Result<StoredMemory> memory(const std::string& device) = 0;
};

}  // namespace netledger
