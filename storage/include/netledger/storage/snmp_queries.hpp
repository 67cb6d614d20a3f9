// The read side of the SNMP tables: devices, interfaces with their latest rates, and
// findings. Plain rows; report/ turns them into tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/queries.hpp"

namespace netledger::storage {

struct DeviceRow {
  std::string name, address, sys_name, sys_descr, sys_object_id, last_result;
  std::optional<int64_t> uptime_s, last_poll_s, last_ok_s, took_ms, interfaces;
  int64_t open_findings = 0;
};

struct InterfaceRow {
  std::string device;
  int64_t if_index = 0;
  std::string name, descr, alias, mac;
  std::optional<int64_t> type, speed_bps, mtu, admin_status, oper_status, duplex, counter_width;
  std::optional<uint64_t> in_octets, out_octets;
  int64_t updated_s = 0;
  // Latest valid rates, when two samples made them.
  std::optional<double> in_bps, out_bps, utilisation;
  std::optional<int64_t> rate_at_s;
};

struct FindingRow {
  int64_t id = 0;
  std::string rule, severity, device, port, evidence, explanation;
  int64_t if_index = 0;
  int64_t first_seen_s = 0, last_seen_s = 0;
  std::optional<int64_t> cleared_s;
};

struct SnmpFilter {
  std::string device;  // "" for all
  std::string port;    // ifName, ifDescr or ifIndex; "" for all
};

Result<std::vector<DeviceRow>> query_devices(const Database& db, const SnmpFilter& f);
Result<std::vector<InterfaceRow>> query_interfaces(const Database& db, const SnmpFilter& f);
// Open findings, and those cleared within the range; worst first, then newest.
Result<std::vector<FindingRow>> query_findings(const Database& db, const SnmpFilter& f, TimeRange range,
                                               bool include_cleared);

}  // namespace netledger::storage
