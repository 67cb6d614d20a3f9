// Names learned passively from the traffic: DNS answers (the address each A/AAAA record
// gives, named by the question asked) and DHCP (a client's host name with the address
// it was given, and its hardware address). Each parser reads only the bytes it is
// given and ignores anything malformed.
#pragma once

#include <cstdint>
#include <vector>

#include "netledger/core/records.hpp"

namespace netledger::capture::names {

// A DNS message over UDP (or over TCP with `tcp` set: a 2-byte length comes first).
void from_dns(const uint8_t* p, uint32_t n, bool tcp, int64_t seen_s, std::vector<HostName>& out);

// A DHCP (BOOTP) message.
void from_dhcp(const uint8_t* p, uint32_t n, int64_t seen_s, std::vector<HostName>& names,
               std::vector<HostMac>& macs);

}  // namespace netledger::capture::names
