// Poller: one cycle over many devices at once. A small pool of threads each polls one
// device at a time with its own Net-SNMP session (the single-session API): the system
// group with one GET, then the interface tables column by column with GETBULK
// (GETNEXT for SNMPv1), only the columns netledger uses — and of those that name and
// describe ports, only when they may have changed (KnownInventory). Each request has the
// device's timeout and retries, so a dead or slow agent holds up only its own thread,
// and the cycle has a deadline besides.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "netledger/core/snmp_records.hpp"
#include "netledger/snmp/target.hpp"

namespace netledger::snmp {

// What a device's ports are — ifDescr, ifType, ifMtu, ifPhysAddress, ifName, ifAlias —
// from the last cycle that read them. Those columns change when someone reconfigures
// the device, not between two polls, so a poller that keeps this walks only the
// counting columns and reads the inventory again when the agent rebooted, ifNumber or
// ifTableLastChange moved, a port appeared that it does not know, or `refresh_s` has
// passed (an alias can be edited without any of those).
struct KnownInventory {
  bool valid = false;
  uint64_t if_number = 0;
  std::optional<uint64_t> table_last_change;  // ifTableLastChange, when the agent has it
  std::optional<uint64_t> uptime_s;
  std::optional<uint64_t> engine_boots;
  int64_t read_mono_ms = 0;         // when the inventory columns were last walked
  std::map<uint32_t, IfRow> ports;  // as read then; only the inventory fields are reused
};

struct PollOptions {
  int bulk_rows = 50;           // GETBULK max-repetitions (Net-SNMP's default of 10 is slower)
  int concurrency = 32;         // devices polled at once
  double cycle_deadline_s = 0;  // 0: none beyond each device's own timeouts
  const std::atomic<bool>* stop = nullptr;
  // One entry per target, kept by the caller from cycle to cycle; null: read everything.
  std::vector<KnownInventory>* known = nullptr;
  double inventory_refresh_s = 3600;
};

// Sets up Net-SNMP for the process (no MIB files, no persistent state files). Called
// once before any poll; later calls do nothing.
void init_library();

// Polls every target once; the result has one entry per target, in the same order.
std::vector<DevicePoll> poll_cycle(const std::vector<Target>& targets, const PollOptions& options);

}  // namespace netledger::snmp
