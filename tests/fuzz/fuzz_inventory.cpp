// Fuzz target: the inventory file (TOML), which people write by hand. Reading it never
// throws or overflows (the sanitizers abort on either); an inventory it refuses is one
// error naming the file; one it takes holds only what `poll` can use: every number within
// the range its key documents, a known SNMP version and the credentials that version needs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "netledger/snmp/inventory.hpp"

namespace {

using netledger::snmp::Target;
using netledger::snmp::Thresholds;

[[noreturn]] void fail(const Target& t, const char* what) {
  std::fprintf(stderr, "device '%s' was taken with %s\n", t.name.c_str(), what);
  std::abort();
}

void check(const Target& t, const Thresholds& th) {
  for (double fraction : {th.utilisation_warn, th.utilisation_crit, th.error_ratio_warn, th.error_ratio_crit,
                          th.discard_ratio_warn, th.discard_ratio_crit, th.fcs_ratio}) {
    if (!(fraction >= 0 && fraction <= 1)) fail(t, "a percentage outside 0-100");
  }
  if (!(th.error_rate_ps >= 0 && th.error_rate_ps <= 1e12)) fail(t, "an error rate outside 0-1e12");
  for (uint64_t count : {th.error_count_warn, th.error_count_crit, th.discard_count_warn, th.fcs_count}) {
    if (count > 1'000'000'000'000ULL) fail(t, "a count past 1e12");
  }
  if (th.flaps_warn < 0 || th.flaps_warn > 1'000'000 || th.flaps_crit < 0 || th.flaps_crit > 1'000'000) {
    fail(t, "a flap count outside 0-1e6");
  }
  if (th.unreachable_s < 0 || th.unreachable_s > 1'000'000'000) fail(t, "unreachable_s outside 0-1e9");
}

void check(const Target& t) {
  if (t.host.empty()) fail(t, "no host");
  if (t.port == 0) fail(t, "port 0");
  if (t.version < 1 || t.version > 3) fail(t, "an unknown version");
  if (!(t.timeout_s >= 0.01 && t.timeout_s <= 600)) fail(t, "a timeout outside 0.01-600 s");
  if (t.retries < 0 || t.retries > 20) fail(t, "retries outside 0-20");
  if (t.interval_s < 1 || t.interval_s > 86400) fail(t, "an interval outside 1-86400 s");
  if (t.version == 3) {
    if (t.user.empty()) fail(t, "SNMPv3 without a user");
    if (t.level != "noAuthNoPriv" && t.level != "authNoPriv" && t.level != "authPriv")
      fail(t, "an unknown level");
    if (t.level != "noAuthNoPriv" && t.auth_password.empty()) fail(t, "authentication without a password");
    if (t.level == "authPriv" && t.priv_password.empty()) fail(t, "privacy without a password");
  } else if (t.community.empty()) {
    fail(t, "no community");
  }
  check(t, t.thresholds);
  for (const auto& [port, th] : t.port_thresholds) check(t, th);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = "devices.toml";
  auto r =
      netledger::snmp::parse_inventory(std::string_view(reinterpret_cast<const char*>(data), size), path);
  if (!r.ok()) {
    if (r.error().message.rfind(path + ":", 0) != 0) {
      std::fprintf(stderr, "an error that does not name the file: %s\n", r.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  for (const Target& t : *r) check(t);
  return 0;
}
