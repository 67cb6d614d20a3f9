// Writes small capture files for tests: a little-endian microsecond pcap (version 2.4,
// Ethernet) of frames, each with its own time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace netledger::test {

struct StampedFrame {
  int64_t ts_us;
  std::vector<uint8_t> bytes;
};

// Writes `bytes` to `path`; returns `path`.
inline std::string write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* fp = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), fp);
  std::fclose(fp);
  return path;
}

// Writes `frames` to `path` with `cut` bytes taken off the end; returns `path`.
inline std::string write_pcap(const std::string& path, const std::vector<StampedFrame>& frames,
                              size_t cut = 0) {
  std::vector<uint8_t> out;
  auto put32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  for (uint32_t v : {0xa1b2c3d4U, 2U | 4U << 16, 0U, 0U, 262144U, 1U}) put32(v);
  for (const StampedFrame& f : frames) {
    put32(static_cast<uint32_t>(f.ts_us / 1'000'000));
    put32(static_cast<uint32_t>(f.ts_us % 1'000'000));
    put32(static_cast<uint32_t>(f.bytes.size()));
    put32(static_cast<uint32_t>(f.bytes.size()));
    out.insert(out.end(), f.bytes.begin(), f.bytes.end());
  }
  out.resize(out.size() - cut);
  return write_file(path, out);
}

}  // namespace netledger::test
