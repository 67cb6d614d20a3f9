// MAC vendors from the IEEE OUI registry, as Debian's ieee-data package ships it
// (/usr/share/ieee-data/oui.txt). Read from the local file only: reports never need
// the network.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace netledger::report {

inline constexpr const char* kOuiFile = "/usr/share/ieee-data/oui.txt";

// Vendor of each MAC ("aa:bb:cc:dd:ee:ff") in `macs`: the registry's organisation,
// "locally administered" for addresses a host made up itself, or "" when unknown (or
// when the registry file is absent).
std::map<std::string, std::string> mac_vendors(const std::vector<std::string>& macs,
                                               const std::string& registry = kOuiFile);

}  // namespace netledger::report
