// Report builders: a storage query made into a Table.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/report/table.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/queries.hpp"

namespace netledger::report {

struct ReportOptions {
  storage::TimeRange range;
  size_t top = 20;  // 0: every row
  std::string oui_registry = "/usr/share/ieee-data/oui.txt";
  std::string device;  // SNMP reports: one device
  std::string port;    // one port (ifName, ifDescr or ifIndex)
};

Result<Table> hosts_report(const storage::Database& db, const ReportOptions& o);
Result<Table> protocols_report(const storage::Database& db, const ReportOptions& o);
Result<Table> apps_report(const storage::Database& db, const ReportOptions& o);
Result<std::vector<Table>> host_report(const storage::Database& db, const std::string& address,
                                       const ReportOptions& o);
Result<Table> flows_report(const storage::Database& db, const ReportOptions& o);
// SNMP: the inventory, interfaces with current rates and utilisation, findings.
Result<Table> devices_report(const storage::Database& db, const ReportOptions& o);
Result<Table> interfaces_report(const storage::Database& db, const ReportOptions& o);
Result<Table> health_report(const storage::Database& db, const ReportOptions& o);
Result<Table> runs_report(const storage::Database& db, const ReportOptions& o);

}  // namespace netledger::report
