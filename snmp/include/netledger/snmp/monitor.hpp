// Monitor: turns one poll of a device into trustworthy rates and findings, given what
// it remembered from the previous cycle (SNMP-RULES: building a valid sample, then
// the rules with hysteresis). Pure computation: no I/O, so every rule is testable with
// made-up samples.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "netledger/core/snmp_records.hpp"
#include "netledger/snmp/target.hpp"

namespace netledger::snmp {

// Hysteresis state of one rule on one port (or device).
struct RuleState {
  int hits = 0;   // consecutive samples with the condition
  int clean = 0;  // consecutive samples without it
  bool open = false;
  Severity severity = Severity::kWarn;
};

struct PortMemory {
  bool has_sample = false;
  int64_t mono_ms = 0;
  int64_t wall_s = 0;
  int width = 0;
  uint64_t in_octets = 0, out_octets = 0;
  uint64_t in_packets = 0, out_packets = 0;
  uint64_t in_errors = 0, out_errors = 0, in_discards = 0, out_discards = 0;
  uint64_t fcs = 0, alignment = 0, late_collisions = 0, collisions = 0;
  bool has_dot3 = false;
  uint64_t discontinuity = 0;
  uint64_t last_change = 0;
  int64_t oper = 0;
  std::string name;
  std::string descr;
  bool was_up = false;
  uint64_t max_speed = 0;            // highest speed seen while up
  int64_t errors_high_since = 0;     // ER1 sustained rate: when > N errors/s began (0: not now)
  std::vector<int64_t> transitions;  // wall seconds of link transitions, the last hour
  std::map<std::string, RuleState> rules;

  [[nodiscard]] std::string serialize() const;
  static PortMemory parse(const std::string& text);
};

struct DeviceMemory {
  bool has_sample = false;
  uint64_t uptime_s = 0;
  uint64_t boots = 0;
  int64_t mono_ms = 0;
  int64_t last_ok_s = 0;  // wall clock of the last valid response
  std::map<std::string, RuleState> rules;

  [[nodiscard]] std::string serialize() const;
  static DeviceMemory parse(const std::string& text);
};

// Memory the store gives back: per device, the device's and each port's.
using Memory = StoredMemory;

// One cycle's evaluation of one device.
DeviceCycle evaluate(const Target& target, DevicePoll poll, const Memory& memory);

}  // namespace netledger::snmp
