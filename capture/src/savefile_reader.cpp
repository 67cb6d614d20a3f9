#include "savefile_reader.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstring>

#include "netledger/capture/packet_source.hpp"

namespace netledger::capture {

namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr size_t kFileHeader = 24;
constexpr size_t kRecordHeader = 16;
// libpcap's limit on a record for every link type the decoder takes
// (MAXIMUM_SNAPLEN; max_snaplen_for_dlt raises it only for D-Bus and USB).
constexpr uint32_t kMaxCaplen = 262144;
// Bytes asked of each read; the buffer also holds the longest record. Small, so the part
// of the buffer in use stays in the core's cache beside the flow and host tables: with
// 1 MiB reads a --no-dpi replay of the bench capture took 0.2-0.5 s longer (of about 4 s).
constexpr size_t kBlock = size_t{64} << 10;
constexpr size_t kCapacity = kBlock + kRecordHeader + kMaxCaplen;

uint32_t load32(const uint8_t* p, bool swapped) noexcept {
  uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap32(v) : v;
}

uint16_t load16(const uint8_t* p, bool swapped) noexcept {
  uint16_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return swapped ? __builtin_bswap16(v) : v;
}

}  // namespace

std::optional<SavefileHeader> SavefileHeader::parse(const uint8_t* bytes, size_t size) noexcept {
  if (size < kFileHeader) return std::nullopt;
  uint32_t magic = load32(bytes, false);
  SavefileHeader h;
  if (magic == kMagicMicro || magic == kMagicNano) {
    h.nanoseconds = magic == kMagicNano;
  } else if (magic == __builtin_bswap32(kMagicMicro) || magic == __builtin_bswap32(kMagicNano)) {
    h.swapped = true;
    h.nanoseconds = magic == __builtin_bswap32(kMagicNano);
  } else {
    return std::nullopt;
  }
  h.version_major = load16(bytes + 4, h.swapped);
  h.version_minor = load16(bytes + 6, h.swapped);
  return h;
}

bool SavefileReader::takes(const SavefileHeader& header, int dlt) noexcept {
  // Before 2.4 the two lengths may be in the other order, which libpcap sorts out.
  if (header.version_major != 2 || header.version_minor < 4) return false;
  // libpcap rewrites these link types' pseudo-headers in place (byte order, USB lengths).
  if (dlt == DLT_USB_LINUX_MMAPPED) return false;
  if (header.swapped) {
    switch (dlt) {
      case DLT_PFLOG:
      case DLT_LINUX_SLL:
      case DLT_LINUX_SLL2:
      case DLT_USB_LINUX:
      case DLT_NFLOG: return false;
      default: break;
    }
  }
  return true;
}

SavefileReader::SavefileReader(int fd, int64_t offset, const SavefileHeader& header, int dlt, int snapshot)
    : link_type_(dlt),
      header_(header),
      snapshot_(snapshot > 0 ? static_cast<uint32_t>(snapshot) : kMaxCaplen),
      file_(fd, offset, kBlock, kCapacity) {}

ReadResult SavefileReader::fail(std::string why) noexcept {
  error_ = file_.failure_or(std::move(why));
  return ReadResult::kError;
}

ReadResult SavefileReader::next(RawPacket& out) noexcept {
  if (stop_.load(std::memory_order_relaxed)) return ReadResult::kEnd;
  size_t have = file_.fill(kRecordHeader);
  if (have < kRecordHeader) {
    if (have == 0 && file_.read_errno() == 0) return ReadResult::kEnd;
    return fail("truncated dump file; tried to read 16 header bytes, only got " + std::to_string(have));
  }
  const uint8_t* h = file_.data();
  const bool sw = header_.swapped;
  uint32_t sec = load32(h, sw);
  uint32_t frac = load32(h + 4, sw);
  uint32_t caplen = load32(h + 8, sw);
  uint32_t len = load32(h + 12, sw);
  if (caplen > kMaxCaplen) {
    return fail("invalid packet capture length " + std::to_string(caplen) + ", bigger than " +
                (caplen > snapshot_ ? "snaplen of " + std::to_string(snapshot_)
                                    : "maximum of " + std::to_string(kMaxCaplen)));
  }
  have = file_.fill(kRecordHeader + caplen);
  if (have < kRecordHeader + caplen) {
    size_t got = have - kRecordHeader;
    // Worded as libpcap words it: a record longer than the snapshot is read in two steps.
    uint32_t tried = caplen > snapshot_ && got < snapshot_ ? snapshot_ : caplen;
    return fail("truncated dump file; tried to read " + std::to_string(tried) + " captured bytes, only got " +
                std::to_string(got));
  }
  uint32_t kept = caplen > snapshot_ ? snapshot_ : caplen;
  uint64_t usec = header_.nanoseconds ? frac / 1000 : frac;
  out.ts_us = static_cast<int64_t>(sec) * 1'000'000 + static_cast<int64_t>(usec);
  out.caplen = kept;
  out.wire_len = len < kept ? kept : len;
  out.data = file_.data() + kRecordHeader;
  out.link_type = link_type_;
  file_.consume(kRecordHeader + caplen);
  return ReadResult::kPacket;
}

}  // namespace netledger::capture
