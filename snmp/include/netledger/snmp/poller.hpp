// Poller: one cycle over many devices at once. A small pool of threads each polls one
// device at a time with its own Net-SNMP session (the single-session API): the system
// group with one GET, then the interface tables column by column with GETBULK
// (GETNEXT for SNMPv1), only the columns netledger uses. Each request has the
// device's timeout and retries, so a dead or slow agent holds up only its own thread,
// and the cycle has a deadline besides.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "netledger/core/snmp_records.hpp"
#include "netledger/snmp/target.hpp"

namespace netledger::snmp {

struct PollOptions {
  int bulk_rows = 50;           // GETBULK max-repetitions (Net-SNMP's default of 10 is slower)
  int concurrency = 32;         // devices polled at once
  double cycle_deadline_s = 0;  // 0: none beyond each device's own timeouts
  const std::atomic<bool>* stop = nullptr;
};

// Sets up Net-SNMP for the process (no MIB files, no persistent state files). Called
// once before any poll; later calls do nothing.
void init_library();

// Polls every target once; the result has one entry per target, in the same order.
std::vector<DevicePoll> poll_cycle(const std::vector<Target>& targets, const PollOptions& options);

}  // namespace netledger::snmp
