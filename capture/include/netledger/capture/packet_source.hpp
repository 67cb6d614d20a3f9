// PacketSource: frames from a capture file (pcap or pcapng, found by magic) or a live
// interface, through libpcap. Move-only owner of the pcap handle.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netledger/core/result.hpp"

namespace netledger::capture {

struct RawPacket {
  int64_t ts_us = 0;
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  const uint8_t* data = nullptr;  // valid until the next call to next()
  // The DLT_ of the frame: one per source, except in a pcapng file whose interfaces
  // have different link types.
  int link_type = 0;
};

struct LiveOptions {
  std::string interface;
  std::string filter;  // BPF, empty for all
  int snaplen = 262144;
  bool promiscuous = true;
  int read_timeout_ms = 200;
  int buffer_bytes = 32 << 20;
};

struct DropCounts {
  uint64_t kernel = 0;     // ps_drop: no room in the capture buffer
  uint64_t interface = 0;  // ps_ifdrop: dropped by the driver or interface
};

enum class ReadResult : uint8_t { kPacket, kTimeout, kEnd, kError };

// The file name that means standard input (`zcat x.pcap.gz | netledger replay -`).
inline constexpr const char* kStandardInput = "-";

class PacketSource {
 public:
  // Opens a capture file, or standard input for kStandardInput. The error names the file
  // and what is wrong with it.
  static Result<std::unique_ptr<PacketSource>> open_file(const std::string& path);
  static Result<std::unique_ptr<PacketSource>> open_live(const LiveOptions& options);
  ~PacketSource();
  PacketSource(const PacketSource&) = delete;
  PacketSource& operator=(const PacketSource&) = delete;

  // kPacket fills `out`; kTimeout means a live source had nothing for a while; kEnd is a
  // clean end (end of file, or break_loop()); kError leaves the reason in error().
  ReadResult next(RawPacket& out) noexcept;
  // Whether opening the same name again reads the same packets: a regular file, not a
  // pipe, a FIFO or standard input.
  [[nodiscard]] bool reopenable() const noexcept;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Safe from a signal handler or another thread: the next read ends with kEnd.
  void break_loop() noexcept;
  // Drop counters of a live source (zeros for a file).
  [[nodiscard]] DropCounts drops() const noexcept;

 private:
  struct Impl;
  explicit PacketSource(std::unique_ptr<Impl> impl, std::string name);
  std::unique_ptr<Impl> impl_;
  std::string name_;
  std::string error_;
};

struct InterfaceInfo {
  std::string name;
  std::string description;
  std::vector<std::string> addresses;
  bool up = false;
  bool running = false;
  bool loopback = false;
};

// Capture devices, as `tcpdump -D` lists them.
Result<std::vector<InterfaceInfo>> list_interfaces();

}  // namespace netledger::capture
