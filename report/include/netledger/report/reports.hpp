// Report builders: a storage query made into a Table.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/report/document.hpp"
#include "netledger/report/table.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/queries.hpp"

namespace netledger::report {

struct ReportOptions {
  storage::TimeRange range;
  size_t top = 20;  // 0: every row
  std::string oui_registry = "/usr/share/ieee-data/oui.txt";
  std::string device;    // SNMP reports: one device
  std::string port;      // one port (ifName, ifDescr or ifIndex)
  std::string host;      // only this host's traffic
  std::string protocol;  // only this L4 protocol ("udp") or application ("DNS")
  std::string by;        // top: hosts | protocols | apps; timeline: total | host | protocol | app | interface
  int64_t step_s = 3600;
  bool monthly = false;
  int billing_day = 1;
  int64_t now_s = 0;
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
// Period reports, as documents (tables and charts).
Result<Document> top_document(const storage::Database& db, const ReportOptions& o);
Result<Document> timeline_document(const storage::Database& db, const ReportOptions& o);
Result<Document> interfaces_document(const storage::Database& db, const ReportOptions& o);
Result<Document> summary_document(const storage::Database& db, const ReportOptions& o);
Result<Document> overview_document(const storage::Database& db, const ReportOptions& o);
Result<Table> runs_report(const storage::Database& db, const ReportOptions& o);

}  // namespace netledger::report
