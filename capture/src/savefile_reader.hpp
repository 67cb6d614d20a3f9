// SavefileReader: the records of a classic pcap file, read straight into one buffer.
//
// libpcap reads a savefile through stdio, two freads per record, and copies every
// record twice (kernel to stdio's buffer, stdio's buffer to its own). This reader
// read()s large blocks and hands out records in place: one copy, no call per record.
// It takes over after libpcap has opened the file and checked its header, and only
// for the plain format (pcap 2.4, micro- or nanosecond magic, either byte order)
// where libpcap would hand the bytes over unchanged; everything else stays with
// libpcap. Records and errors are exactly libpcap's, checked against it in the tests.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "file_buffer.hpp"

namespace netledger::capture {

struct RawPacket;
enum class ReadResult : uint8_t;

// The 24-byte file header, in host order.
struct SavefileHeader {
  bool swapped = false;      // written on a host of the other byte order
  bool nanoseconds = false;  // record times in ns, not µs
  uint16_t version_major = 0;
  uint16_t version_minor = 0;

  // Empty unless the bytes start with one of the four plain pcap magics.
  static std::optional<SavefileHeader> parse(const uint8_t* bytes, size_t size) noexcept;
};

class SavefileReader {
 public:
  // Whether this reader can take a file with `header`, whose link type libpcap reports
  // as `dlt`, from libpcap.
  static bool takes(const SavefileHeader& header, int dlt) noexcept;

  // `fd` is read from `offset` (the first record) on; the caller keeps it open.
  // `snapshot` is libpcap's (pcap_snapshot): longer records are cut to it.
  SavefileReader(int fd, int64_t offset, const SavefileHeader& header, int dlt, int snapshot);

  // kPacket, kEnd at a clean end of file or after stop(), kError with error() set.
  ReadResult next(RawPacket& out) noexcept;
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Safe from a signal handler or another thread.
  void stop() noexcept { stop_.store(true, std::memory_order_relaxed); }

 private:
  ReadResult fail(std::string why) noexcept;

  int link_type_;
  SavefileHeader header_;
  uint32_t snapshot_;
  FileBuffer file_;
  std::atomic<bool> stop_{false};
  std::string error_;
};

}  // namespace netledger::capture
