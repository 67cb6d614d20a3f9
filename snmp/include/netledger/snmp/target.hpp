// A device to poll: where it is, how to speak to it, and the rule thresholds that apply
// to it (defaults from SNMP-RULES, overridable per device and per port).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace netledger::snmp {

struct Thresholds {
  double utilisation_warn = 0.80;  // UT1, fraction of link speed
  double utilisation_crit = 0.90;
  double error_ratio_warn = 0.0001;  // ER1: errors / packets
  uint64_t error_count_warn = 10;
  double error_ratio_crit = 0.001;
  uint64_t error_count_crit = 100;
  double error_rate_ps = 2.0;        // ER1: errors per second, sustained
  double discard_ratio_warn = 0.01;  // DI1
  uint64_t discard_count_warn = 100;
  double discard_ratio_crit = 0.05;
  int flaps_warn = 3;        // FL1: transitions within 30 minutes
  int flaps_crit = 10;       //      within 60 minutes
  double fcs_ratio = 0.001;  // DX3
  uint64_t fcs_count = 10;
  int64_t unreachable_s = 300;  // DV2
};

struct Target {
  std::string name;  // how reports call it
  std::string host;
  uint16_t port = 161;
  int version = 2;  // 1, 2 (v2c) or 3
  std::string community = "public";
  // SNMPv3 (USM).
  std::string user;
  std::string level = "noAuthNoPriv";  // noAuthNoPriv | authNoPriv | authPriv
  std::string auth_protocol = "SHA";   // MD5 | SHA | SHA-256 | SHA-512
  std::string auth_password;
  std::string priv_protocol = "AES";  // DES | AES
  std::string priv_password;
  std::string context;
  double timeout_s = 1.0;  // per request, as Net-SNMP's -t
  int retries = 1;         // as Net-SNMP's -r
  int64_t interval_s = 300;
  Thresholds thresholds;
  std::map<std::string, Thresholds> port_thresholds;  // by ifName or ifIndex
  std::set<std::string> critical_ports;               // ST1 is critical on these
  std::set<std::string> must_be_up;                   // ST1 even if never seen up

  [[nodiscard]] std::string address() const { return host + ":" + std::to_string(port); }
};

}  // namespace netledger::snmp
