// Fuzz target: the SNMP memory text netledger keeps in the file between cycles, which a
// hand-edited file can make anything. The first line is the device's memory, the rest the
// port's. Reading it never throws or overflows (the sanitizers abort on either), what it
// reads writes back to text that reads back the same, and two cycles evaluated from it run.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "netledger/snmp/monitor.hpp"

namespace {

using netledger::snmp::DeviceMemory;
using netledger::snmp::PortMemory;

template <class M>
void same_after_a_round_trip(const std::string& text, const char* what) {
  const std::string once = M::parse(text).serialize();
  const std::string twice = M::parse(once).serialize();
  if (once != twice) {
    std::fprintf(stderr, "%s memory changed on a round trip:\n  %s\n  %s\n", what, once.c_str(),
                 twice.c_str());
    std::abort();
  }
}

netledger::DevicePoll poll_at(int n) {
  netledger::DevicePoll p;
  p.device = "sw1";
  p.reachable = true;
  p.polled_s = 1'700'000'000 + n * 300;
  p.mono_ms = int64_t{n} * 300'000;
  p.info.sys_uptime = (100'000 + uint64_t{static_cast<unsigned>(n)} * 300) * 100;
  netledger::IfRow& r = p.interfaces[1];
  r.if_index = 1;
  r.name = "Gi0/1";
  r.type = 6;
  r.admin_status = 1;
  r.oper_status = n % 2 == 0 ? 1 : 2;
  r.high_speed = 1000;
  r.hc_in_octets = uint64_t{static_cast<unsigned>(n)} * 1'000'000;
  r.hc_out_octets = uint64_t{static_cast<unsigned>(n)} * 2'000'000;
  r.in_errors = r.out_errors = r.in_discards = r.out_discards = uint64_t{static_cast<unsigned>(n)};
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t line = text.find('\n');
  netledger::StoredMemory memory;
  memory.device = text.substr(0, line);
  memory.ports[1] = line == std::string::npos ? std::string() : text.substr(line + 1);
  same_after_a_round_trip<DeviceMemory>(memory.device, "device");
  same_after_a_round_trip<PortMemory>(memory.ports[1], "port");
  netledger::snmp::Target target;
  target.name = "sw1";
  for (int n = 1; n <= 2; ++n) {
    netledger::DeviceCycle c = netledger::snmp::evaluate(target, poll_at(n), memory);
    memory.device = c.device_memory;
    memory.ports = c.memory;
  }
  return 0;
}
