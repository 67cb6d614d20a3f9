// The inventory file: one TOML table per device, with defaults shared by all.
//
//   [defaults]                 # any device key; a device's own value wins
//   version = "2c"
//   community_env = "SNMP_COMMUNITY"   # secrets: from the file, or named environment variables
//   interval = 300
//
//   [devices.core1]
//   address = "192.0.2.1"      # host or host:port
//   version = "3"
//   user = "monitor"
//   level = "authPriv"
//   auth_protocol = "SHA"
//   auth_password_env = "CORE1_AUTH"
//   priv_protocol = "AES"
//   priv_password_env = "CORE1_PRIV"
//   [devices.core1.thresholds]       # per device (SNMP-RULES names, percentages for ratios)
//   utilisation_warn = 70
//   [devices.core1.ports."Gi0/1"]    # per port, by ifName or ifIndex
//   utilisation_warn = 95
//   critical = true
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "netledger/core/result.hpp"
#include "netledger/snmp/target.hpp"

namespace netledger::snmp {

Result<std::vector<Target>> load_inventory(const std::string& path);
// The same from the file's text; `path` names it in errors.
Result<std::vector<Target>> parse_inventory(std::string_view text, const std::string& path);

// "host", "host:port", "[v6]:port" into a target's host and port.
Status parse_address(const std::string& text, Target& t);

}  // namespace netledger::snmp
