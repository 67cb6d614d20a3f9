#include "pcapng_reader.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "netledger/capture/packet_source.hpp"

namespace netledger::capture {

namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterface = 1;
constexpr uint32_t kObsoletePacket = 2;
constexpr uint32_t kSimplePacket = 3;
constexpr uint32_t kEnhancedPacket = 6;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint16_t kEndOfOptions = 0;
constexpr uint16_t kTsResol = 9;
constexpr uint16_t kTsOffset = 14;
constexpr const char* kIdbError = "Interface Description Block ";
constexpr size_t kBlockHeader = 8;  // type, total length
constexpr size_t kBlockTrailer = 4;
// libpcap's limit on a block, raised for link types that allow longer packets.
constexpr size_t kMaxBlock = size_t{16} << 20;
// Bytes asked of each read; the buffer grows past it only for a longer block.
constexpr size_t kBlock = size_t{64} << 10;
constexpr size_t kCapacity = 2 * kBlock;

uint32_t load32(const uint8_t* p) noexcept {
  uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint16_t load16(const uint8_t* p) noexcept {
  uint16_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t load64(const uint8_t* p) noexcept {
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// libpcap's max_snaplen_for_dlt and pcap_adjust_snapshot.
uint32_t max_snaplen(int dlt) noexcept {
  switch (dlt) {
    case DLT_DBUS: return 128 << 20;
    case DLT_EBHSCR: return 8 << 20;
    case DLT_USBPCAP: return 1 << 20;
    default: return 262144;
  }
}

uint32_t adjust_snapshot(int dlt, uint32_t snaplen) noexcept {
  return snaplen == 0 || snaplen > INT_MAX ? max_snaplen(dlt) : snaplen;
}

// An enhanced packet block with a packet of the link's longest and 128 KiB of options.
size_t max_block(int dlt) noexcept {
  return std::max(kMaxBlock, kBlockHeader + 20 + max_snaplen(dlt) + 131072 + kBlockTrailer);
}

std::string block_too_short(uint32_t type) {
  return "block of type " + std::to_string(type) + " in pcapng dump file is too short";
}

}  // namespace

bool PcapngReader::native(const uint8_t* head, size_t size) noexcept {
  return size >= 12 && load32(head) == kSectionHeader && load32(head + 8) == kByteOrderMagic;
}

bool PcapngReader::takes(const uint8_t* head, size_t size, int dlt) noexcept {
  return native(head, size) && dlt != DLT_USB_LINUX_MMAPPED;
}

int PcapngReader::dlt_of_linktype(uint32_t linktype) noexcept {
  // LINKTYPE_ values that differ from the DLT_ of the same link on this platform; the
  // others are the same number.
  switch (linktype) {
    case 100: return DLT_ATM_RFC1483;
    case 101: return DLT_RAW;
    case 102: return DLT_SLIP_BSDOS;
    case 103: return DLT_PPP_BSDOS;
    case 106: return DLT_ATM_CLIP;
    case 246: return DLT_PFSYNC;
    case 258: return DLT_PKTAP;
    default: return static_cast<int>(linktype);
  }
}

PcapngReader::PcapngReader(int fd) : file_(fd, 0, kBlock, kCapacity), max_block_(kMaxBlock) {}

ReadResult PcapngReader::fail(std::string why) noexcept {
  error_ = file_.failure_or(std::move(why));
  return ReadResult::kError;
}

ReadResult PcapngReader::next_block(Block& block) noexcept {
  size_t have = file_.fill(kBlockHeader);
  if (have < kBlockHeader) {
    if (have == 0 && file_.read_errno() == 0) return ReadResult::kEnd;
    return fail("truncated pcapng dump file; tried to read 8 bytes, only got " + std::to_string(have));
  }
  const uint32_t type = load32(file_.data());
  const uint32_t total = load32(file_.data() + 4);
  if (total < kBlockHeader + kBlockTrailer) {
    return fail("block in pcapng dump file has a length of " + std::to_string(total) + " < " +
                std::to_string(kBlockHeader + kBlockTrailer));
  }
  if (total % 4 != 0) {
    return fail("block in pcapng dump file has a length of " + std::to_string(total) +
                " that is not a multiple of 4");
  }
  if (total > max_block_) {
    return fail("pcapng block size " + std::to_string(total) + " > maximum " + std::to_string(max_block_));
  }
  have = file_.fill(total);
  if (have < total) {
    return fail("truncated pcapng dump file; tried to read " + std::to_string(total - kBlockHeader) +
                " bytes, only got " + std::to_string(have - kBlockHeader));
  }
  const uint8_t* b = file_.data();
  if (load32(b + total - kBlockTrailer) != total)
    return fail("block total length in header and trailer don't match");
  block.type = type;
  block.body = b + kBlockHeader;
  block.size = total - kBlockHeader - kBlockTrailer;
  file_.consume(total);
  return ReadResult::kPacket;
}

bool PcapngReader::add_interface(const Block& block) noexcept {
  if (block.size < 8) {
    error_ = block_too_short(block.type);
    return false;
  }
  Interface i;
  i.dlt = dlt_of_linktype(load16(block.body));
  i.snapshot = adjust_snapshot(i.dlt, load32(block.body + 4));
  bool saw_tsresol = false;
  bool saw_tsoffset = false;
  for (size_t at = 8; at < block.size;) {
    if (block.size - at < 4) {
      error_ = block_too_short(block.type);
      return false;
    }
    const uint16_t code = load16(block.body + at);
    const uint16_t length = load16(block.body + at + 2);
    const size_t padded = (size_t{length} + 3) / 4 * 4;
    at += 4;
    if (block.size - at < padded) {
      error_ = block_too_short(block.type);
      return false;
    }
    const uint8_t* value = block.body + at;
    at += padded;
    if (code == kEndOfOptions) {
      if (length != 0) {
        error_ = std::string(kIdbError) + "has opt_endofopt option with length " + std::to_string(length) +
                 " != 0";
        return false;
      }
      break;
    }
    if (code == kTsResol) {
      if (length != 1) {
        error_ =
            std::string(kIdbError) + "has if_tsresol option with length " + std::to_string(length) + " != 1";
        return false;
      }
      if (saw_tsresol) {
        error_ = std::string(kIdbError) + "has more than one if_tsresol option";
        return false;
      }
      saw_tsresol = true;
      const uint8_t r = value[0];
      if ((r & 0x80) != 0) {
        const unsigned shift = r & 0x7Fu;
        if (shift > 63) {
          error_ = std::string(kIdbError) + "if_tsresol option resolution 2^-" + std::to_string(shift) +
                   " is too high";
          return false;
        }
        i.binary = true;
        i.tsresol = uint64_t{1} << shift;
      } else {
        if (r > 19) {
          error_ = std::string(kIdbError) + "if_tsresol option resolution 10^-" + std::to_string(r) +
                   " is too high";
          return false;
        }
        i.binary = false;
        i.tsresol = 1;
        for (unsigned n = 0; n < r; ++n) i.tsresol *= 10;
      }
    } else if (code == kTsOffset) {
      if (length != 8) {
        error_ =
            std::string(kIdbError) + "has if_tsoffset option with length " + std::to_string(length) + " != 8";
        return false;
      }
      if (saw_tsoffset) {
        error_ = std::string(kIdbError) + "has more than one if_tsoffset option";
        return false;
      }
      saw_tsoffset = true;
      i.tsoffset = load64(value);
    }
  }
  interfaces_.push_back(i);
  seen_interface_ = true;
  max_block_ = std::max(max_block_, max_block(i.dlt));
  return true;
}

bool PcapngReader::new_section(const Block& block) noexcept {
  if (block.size < 16) {
    error_ = block_too_short(block.type);
    return false;
  }
  const uint32_t magic = load32(block.body);
  if (magic != kByteOrderMagic) {
    error_ = magic == __builtin_bswap32(kByteOrderMagic)
                 ? "the file has sections with different byte orders"
                 : "the file has a section with a bad byte order magic field";
    return false;
  }
  const uint16_t major = load16(block.body + 4);
  if (major != 1) {
    error_ = "unknown pcapng savefile major version number " + std::to_string(major);
    return false;
  }
  interfaces_.clear();
  return true;
}

// As libpcap converts it, overflow included: whole seconds, then the fraction scaled
// from the interface's units to microseconds.
int64_t PcapngReader::time_us(const Interface& i, uint64_t t) const noexcept {
  constexpr uint64_t kMicro = 1'000'000;
  const uint64_t sec = t / i.tsresol + i.tsoffset;
  uint64_t frac = t % i.tsresol;
  if (i.tsresol != kMicro) {
    if (i.binary) {
      frac = frac * kMicro / i.tsresol;
    } else if (i.tsresol > kMicro) {
      frac /= i.tsresol / kMicro;
    } else {
      frac *= kMicro / i.tsresol;
    }
  }
  const auto usec = static_cast<int64_t>(static_cast<int>(frac));
  return static_cast<int64_t>(sec * kMicro + static_cast<uint64_t>(usec));
}

ReadResult PcapngReader::next(RawPacket& out) noexcept {
  for (;;) {
    if (stop_.load(std::memory_order_relaxed)) return ReadResult::kEnd;
    Block block;
    if (ReadResult r = next_block(block); r != ReadResult::kPacket) return r;
    uint32_t id = 0;
    uint32_t caplen = 0;
    uint32_t len = 0;
    uint64_t t = 0;
    size_t data_at = 0;
    switch (block.type) {
      case kEnhancedPacket:
      case kObsoletePacket:  // the same layout, with a 16-bit interface id and a drop count
        if (block.size < 20) return fail(block_too_short(block.type));
        id = block.type == kEnhancedPacket ? load32(block.body) : load16(block.body);
        t = uint64_t{load32(block.body + 4)} << 32 | load32(block.body + 8);
        caplen = load32(block.body + 12);
        len = load32(block.body + 16);
        data_at = 20;
        break;
      case kSimplePacket:
        if (block.size < 4) return fail(block_too_short(block.type));
        len = load32(block.body);
        // No captured length: the packet's, up to the first interface's snapshot.
        caplen = interfaces_.empty() ? len : std::min(len, interfaces_[0].snapshot);
        data_at = 4;
        break;
      case kInterface:
        if (!add_interface(block)) return fail(error_);
        continue;
      case kSectionHeader:
        // libpcap reads the sections before the first interface only for it.
        if (seen_interface_ && !new_section(block)) return fail(error_);
        continue;
      default: continue;  // statistics, names, comments, custom blocks
    }
    if (id >= interfaces_.size()) {
      return fail("a packet arrived on interface " + std::to_string(id) +
                  ", but there's no Interface Description Block for that interface");
    }
    const Interface& i = interfaces_[id];
    if (caplen > i.snapshot) {
      return fail("invalid packet capture length " + std::to_string(caplen) + ", bigger than snaplen of " +
                  std::to_string(i.snapshot));
    }
    if (block.size - data_at < caplen) return fail(block_too_short(block.type));
    out.ts_us = time_us(i, t);
    out.caplen = caplen;
    out.wire_len = len < caplen ? caplen : len;
    out.data = block.body + data_at;
    out.link_type = i.dlt;
    return ReadResult::kPacket;
  }
}

std::vector<int> PcapngReader::leading_link_types(int fd) {
  PcapngReader reader(fd);
  std::vector<int> out;
  Block block;
  while (reader.next_block(block) == ReadResult::kPacket) {
    if (block.type == kEnhancedPacket || block.type == kSimplePacket || block.type == kObsoletePacket) break;
    if (block.type == kInterface && block.size >= 8) out.push_back(dlt_of_linktype(load16(block.body)));
  }
  return out;
}

}  // namespace netledger::capture
