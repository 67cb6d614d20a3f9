// The numeric OIDs netledger polls (SNMP-RULES "What to poll"), and how each table
// column lands in an IfRow. No MIB files are loaded.
#pragma once

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <optional>
#include <string>
#include <vector>

#include "netledger/core/snmp_records.hpp"

namespace netledger::snmp {

namespace oids {
using Oid = std::vector<oid>;
inline const Oid kSysDescr = {1, 3, 6, 1, 2, 1, 1, 1, 0};
inline const Oid kSysObjectId = {1, 3, 6, 1, 2, 1, 1, 2, 0};
inline const Oid kSysUpTime = {1, 3, 6, 1, 2, 1, 1, 3, 0};
inline const Oid kSysName = {1, 3, 6, 1, 2, 1, 1, 5, 0};
inline const Oid kIfNumber = {1, 3, 6, 1, 2, 1, 2, 1, 0};
inline const Oid kEngineBoots = {1, 3, 6, 1, 6, 3, 10, 2, 1, 2, 0};
inline const Oid kEngineTime = {1, 3, 6, 1, 6, 3, 10, 2, 1, 3, 0};
inline const Oid kHrSystemUptime = {1, 3, 6, 1, 2, 1, 25, 1, 1, 0};
inline const Oid kIfTableLastChange = {1, 3, 6, 1, 2, 1, 31, 1, 5, 0};
inline const Oid kIfEntry = {1, 3, 6, 1, 2, 1, 2, 2, 1};
inline const Oid kIfXEntry = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
inline const Oid kDot3StatsEntry = {1, 3, 6, 1, 2, 1, 10, 7, 2, 1};
}  // namespace oids

struct Table {
  std::string name;
  oids::Oid entry;
  std::vector<int> columns;
  std::vector<int> inventory;  // those of `columns` that say what a port is, not what it counted
  bool needs_v2 = false;       // has Counter64 columns
  // Stores one value; false when its type does not fit the column.
  bool (*set)(IfRow& r, int column, const std::optional<std::string>& text,
              const std::optional<std::string>& hex, std::optional<int64_t> integer,
              std::optional<uint64_t> counter);
};

const std::vector<Table>& tables();

}  // namespace netledger::snmp
