#include "netledger/core/records.hpp"

#include <cctype>

#include "netledger/core/snmp_records.hpp"

namespace netledger {

const char* flow_end_name(FlowEnd end) noexcept {
  switch (end) {
    case FlowEnd::kIdle: return "idle";
    case FlowEnd::kActive: return "active";
    case FlowEnd::kClosed: return "closed";
    case FlowEnd::kEvicted: return "evicted";
    case FlowEnd::kEndOfCapture: return "end-of-capture";
  }
  return "unknown";
}

const char* name_source_name(NameSource s) noexcept {
  switch (s) {
    case NameSource::kDns: return "dns";
    case NameSource::kTlsSni: return "tls-sni";
    case NameSource::kQuicSni: return "quic-sni";
    case NameSource::kHttpHost: return "http-host";
    case NameSource::kDhcp: return "dhcp";
  }
  return "unknown";
}

const char* severity_name(Severity s) noexcept {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarn: return "warn";
    case Severity::kCrit: return "crit";
  }
  return "unknown";
}

std::string ip_proto_name(uint8_t ip_proto) {
  switch (ip_proto) {
    case 1: return "icmp";
    case 2: return "igmp";
    case 4: return "ipip";
    case 6: return "tcp";
    case 17: return "udp";
    case 41: return "ipv6";
    case 47: return "gre";
    case 50: return "esp";
    case 51: return "ah";
    case 58: return "icmpv6";
    case 89: return "ospf";
    case 103: return "pim";
    case 112: return "vrrp";
    case 132: return "sctp";
    default: return "ip-" + std::to_string(ip_proto);
  }
}

std::optional<uint8_t> ip_proto_number(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int p = 0; p < 256; ++p) {
    if (ip_proto_name(static_cast<uint8_t>(p)) == lower) return static_cast<uint8_t>(p);
  }
  return std::nullopt;
}

}  // namespace netledger
