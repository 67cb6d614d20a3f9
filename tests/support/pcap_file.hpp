// Writes small capture files for tests: a little-endian microsecond pcap (version 2.4,
// Ethernet) of frames, each with its own time, or a pcapng file whose time stamps count
// units of the test's choosing.
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
  FILE* fp = std::fopen(path.c_str(), "wb");
  std::fwrite(out.data(), 1, out.size(), fp);
  std::fclose(fp);
  return path;
}

// A frame with its pcapng time stamp: `ticks` units of the interface's resolution.
struct TickedFrame {
  uint64_t ticks;
  std::vector<uint8_t> bytes;
};

// Writes `frames` to `path` as pcapng in this host's byte order: one section, one Ethernet
// interface whose time stamps count units of 10^-`tsresol` seconds (if_tsresol), each
// frame an enhanced packet block. Returns `path`.
inline std::string write_pcapng(const std::string& path, const std::vector<TickedFrame>& frames,
                                uint8_t tsresol) {
  std::vector<uint8_t> out;
  auto put = [&](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  auto put32 = [&](uint32_t v) { put(&v, 4); };
  auto block = [&](uint32_t type, const std::vector<uint8_t>& body) {
    const auto total = static_cast<uint32_t>(12 + (body.size() + 3) / 4 * 4);
    put32(type);
    put32(total);
    put(body.data(), body.size());
    out.resize(out.size() + (total - 12 - body.size()), 0);
    put32(total);
  };
  std::vector<uint8_t> body;
  auto add = [&](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    body.insert(body.end(), b, b + n);
  };
  const uint32_t magic = 0x1A2B3C4D;
  const uint16_t version[2] = {1, 0};
  const uint64_t unknown_length = ~uint64_t{0};
  add(&magic, 4);
  add(version, 4);
  add(&unknown_length, 8);
  block(0x0A0D0D0A, body);
  body.clear();
  const uint16_t link[2] = {1, 0};  // Ethernet, reserved
  const uint32_t snaplen = 262144;
  const uint16_t option[2] = {9, 1};  // if_tsresol, one byte
  const uint8_t resolution[4] = {tsresol, 0, 0, 0};
  const uint32_t end_of_options = 0;
  add(link, 4);
  add(&snaplen, 4);
  add(option, 4);
  add(resolution, 4);
  add(&end_of_options, 4);
  block(1, body);
  for (const TickedFrame& f : frames) {
    body.clear();
    const auto len = static_cast<uint32_t>(f.bytes.size());
    const uint32_t fields[5] = {0, static_cast<uint32_t>(f.ticks >> 32), static_cast<uint32_t>(f.ticks), len,
                                len};
    add(fields, sizeof fields);
    add(f.bytes.data(), f.bytes.size());
    block(6, body);
  }
  FILE* fp = std::fopen(path.c_str(), "wb");
  std::fwrite(out.data(), 1, out.size(), fp);
  std::fclose(fp);
  return path;
}

}  // namespace netledger::test
