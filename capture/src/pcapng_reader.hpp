// PcapngReader: the packets of a pcapng file, read straight into one buffer, each with
// the link type of the interface it came in on.
//
// libpcap reads pcapng through stdio and stops at the first interface whose link type
// or snapshot length differs from the first one's ("an interface has a type 113
// different from the type of the first interface"), keeping no packet of the file. A
// capture on several interfaces (dumpcap -i eth0 -i tun0, Ethernet and raw IP) is
// exactly that. This reader gives every interface its own link type, snapshot length
// and time-stamp resolution; in everything else its packets and errors are libpcap's,
// checked against it in the tests. It takes over once libpcap has opened the file (so
// the first section and interface are known good), and only files in this host's byte
// order: libpcap rewrites some pseudo-headers of the other order in place.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "file_buffer.hpp"

namespace netledger::capture {

struct RawPacket;
enum class ReadResult : uint8_t;

class PcapngReader {
 public:
  // Whether the file starting with `head` is pcapng in this host's byte order.
  static bool native(const uint8_t* head, size_t size) noexcept;
  // Whether this reader takes such a file from libpcap: unless its first interface's
  // link type `dlt` is DLT_USB_LINUX_MMAPPED (whose headers libpcap fixes up).
  static bool takes(const uint8_t* head, size_t size, int dlt) noexcept;

  // Reads `fd` from its start; the caller keeps it open.
  explicit PcapngReader(int fd);

  // kPacket, kEnd at a clean end of file or after stop(), kError with error() set.
  ReadResult next(RawPacket& out) noexcept;
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Safe from a signal handler or another thread.
  void stop() noexcept { stop_.store(true, std::memory_order_relaxed); }

  // The link types (DLT_) of the interfaces `fd` describes before its first packet:
  // where a capture on several interfaces lists them all.
  static std::vector<int> leading_link_types(int fd);

  // libpcap's mapping from a LINKTYPE_ in a file to the DLT_ it hands out.
  static int dlt_of_linktype(uint32_t linktype) noexcept;

 private:
  struct Interface {
    int dlt = 0;
    uint32_t snapshot = 0;
    uint64_t tsresol = 1'000'000;  // time-stamp units per second
    bool binary = false;           // tsresol is a power of 2, not of 10
    uint64_t tsoffset = 0;         // seconds added to every time stamp
  };
  struct Block {
    uint32_t type = 0;
    const uint8_t* body = nullptr;  // after the type and length, before the trailer
    size_t size = 0;
  };

  // The next whole block: kPacket with `block` set, kEnd at the end of the file, or
  // kError.
  ReadResult next_block(Block& block) noexcept;
  bool add_interface(const Block& block) noexcept;
  bool new_section(const Block& block) noexcept;
  [[nodiscard]] int64_t time_us(const Interface& i, uint64_t t) const noexcept;
  ReadResult fail(std::string why) noexcept;

  FileBuffer file_;
  std::vector<Interface> interfaces_;  // of the current section
  bool seen_interface_ = false;        // in any section
  size_t max_block_;                   // longer blocks are refused
  std::atomic<bool> stop_{false};
  std::string error_;
};

}  // namespace netledger::capture
