// Fuzz target: frames of one link type, wrapped in a pcap file here so the mutations go
// into the frames rather than the file format. The input is the link type's index in
// kLinkTypes, then records of [seconds since the last frame (1 byte), length (2 bytes,
// big-endian), frame].
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "netledger/capture/decoder.hpp"
#include "replay_check.hpp"

namespace {

namespace link = netledger::capture::link;
constexpr std::array kLinkTypes{link::kEthernet, link::kLinuxSll, link::kLinuxSll2, link::kNull,
                                link::kLoop,     link::kRaw,      link::kIpv4,      link::kIpv6,
                                link::kPpp,      link::kPppEther, link::kNflog,     link::kRawOpenBsd};

template <class T>
void put(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string file;
  put(file, uint32_t{0xa1b2c3d4});  // microsecond pcap in this host's byte order
  put(file, uint16_t{2});
  put(file, uint16_t{4});
  put(file, int32_t{0});
  put(file, uint32_t{0});
  put(file, uint32_t{262144});
  put(file, static_cast<uint32_t>(kLinkTypes[data[0] % kLinkTypes.size()]));
  uint32_t seconds = 1'700'000'000;
  uint32_t micros = 0;
  size_t at = 1;
  while (at + 3 <= size) {
    seconds += data[at];
    micros = (micros + 7919) % 1'000'000;  // distinct times within a second
    size_t len = (size_t{data[at + 1]} << 8) | data[at + 2];
    at += 3;
    len = std::min(len, size - at);
    put(file, seconds);
    put(file, micros);
    put(file, static_cast<uint32_t>(len));
    put(file, static_cast<uint32_t>(len));
    file.append(reinterpret_cast<const char*>(data + at), len);
    at += len;
  }
  // An odd length caps the flow table at 8 flows, so evictions are fuzzed too.
  netledger::fuzz::replay_and_check({file}, {true, size % 2 == 1 ? 8U : 1'000'000U});
  return 0;
}
