#include "frames_file.hpp"

#include <algorithm>
#include <cstring>

namespace netledger::fuzz {

namespace {

template <class T>
void put(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

}  // namespace

std::string pcap_of_frames(const uint8_t* data, size_t size) {
  std::string file;
  put(file, uint32_t{0xa1b2c3d4});  // microsecond pcap in this host's byte order
  put(file, uint16_t{2});
  put(file, uint16_t{4});
  put(file, int32_t{0});
  put(file, uint32_t{0});
  put(file, uint32_t{262144});
  put(file, static_cast<uint32_t>(kFrameLinkTypes[data[0] % kFrameLinkTypes.size()]));
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
  return file;
}

}  // namespace netledger::fuzz
