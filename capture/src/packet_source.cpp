#include "netledger/capture/packet_source.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "netledger/capture/decoder.hpp"
#include "netledger/core/c_handle.hpp"
#include "pcapng_reader.hpp"
#include "savefile_reader.hpp"

namespace netledger::capture {

namespace {

using PcapHandle = std::unique_ptr<pcap_t, CFree<&pcap_close>>;

// libpcap reads a savefile through stdio, 4 KiB at a time by default; a 1 MiB buffer
// halves the cost of reading the files our readers do not take (old pcap, pcapng of the
// other byte order).
constexpr size_t kFileBuffer = 1 << 20;

std::string describe_link(int dlt) {
  const char* name = pcap_datalink_val_to_name(dlt);
  return std::to_string(dlt) + (name != nullptr ? std::string(" (") + name + ")" : std::string());
}

// The compressor whose magic number starts the file, if any: such a file is a capture
// once decompressed.
const char* compressed_by(int fd) {
  uint8_t m[6] = {};
  if (::pread(fd, m, sizeof m, 0) != static_cast<ssize_t>(sizeof m)) return nullptr;
  if (m[0] == 0x1f && m[1] == 0x8b) return "gzip";
  if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) return "zstd";
  if (m[0] == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) return "xz";
  if (m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') return "bzip2";
  if (m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d && m[3] == 0x18) return "lz4";
  return nullptr;
}

std::string decompressor(const std::string& packer) {
  if (packer == "gzip") return "zcat";
  if (packer == "zstd") return "zstdcat";
  if (packer == "bzip2") return "bzcat";
  return packer + "cat";
}

// Seconds and microseconds as one count, wrapping as the C arithmetic libpcap does
// would rather than overflowing (a pcapng time stamp can be anything).
int64_t to_us(int64_t sec, int64_t usec) {
  return static_cast<int64_t>(static_cast<uint64_t>(sec) * 1'000'000u + static_cast<uint64_t>(usec));
}

}  // namespace

struct PacketSource::Impl {
  PcapHandle pcap;
  std::unique_ptr<char[]> buffer;
  // Read the records of a plain pcap or a pcapng file in libpcap's place, once it has
  // opened it.
  std::unique_ptr<SavefileReader> savefile;
  std::unique_ptr<PcapngReader> pcapng;
  int dlt = 0;
  bool live = false;
  bool reopenable = false;  // a regular file, not standard input
  // A plain pcap file libpcap reads: its 32-bit seconds are unsigned (as the format and
  // Wireshark have them; libpcap sign-extends, putting times after 2038 before 1970).
  bool unsigned_seconds = false;
  int fd = -1;
  int timeout_ms = 200;
};

PacketSource::PacketSource(std::unique_ptr<Impl> impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {}

PacketSource::~PacketSource() = default;

Result<std::unique_ptr<PacketSource>> PacketSource::open_file(const std::string& path) {
  const bool from_stdin = path == kStandardInput;
  const std::string name = from_stdin ? "standard input" : path;
  struct stat st {};
  if ((from_stdin ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st)) != 0) {
    return make_error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                      name + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode))
    return make_error(ErrorCode::kInvalidArgument, name + ": is a directory, not a capture file");
  FILE* fp = from_stdin ? ::fdopen(::dup(STDIN_FILENO), "rb") : std::fopen(path.c_str(), "rb");
  if (fp == nullptr) {
    return make_error(errno == EACCES ? ErrorCode::kPermission : ErrorCode::kIo,
                      name + ": " + std::strerror(errno));
  }
  // Standard input is read as a stream even when it is a file: it may not start at the
  // file's start.
  const bool regular = S_ISREG(st.st_mode) && !from_stdin;
  // A regular file in the plain or pcapng format is read past libpcap once libpcap has
  // checked its header (see savefile_reader.hpp, pcapng_reader.hpp); stdio then reads
  // only the header, so it keeps its small default buffer (also left to the rare file
  // the readers do not take: pcap before 2.4, byte-swapped NFLOG or cooked captures).
  uint8_t head[24];
  const int fd = ::fileno(fp);
  std::optional<SavefileHeader> header;
  bool pcapng = false;
  if (regular && ::pread(fd, head, sizeof head, 0) == static_cast<ssize_t>(sizeof head)) {
    header = SavefileHeader::parse(head, sizeof head);
    pcapng = PcapngReader::native(head, sizeof head);
  }
  auto impl = std::make_unique<Impl>();
  if (!header && !pcapng) {
    impl->buffer.reset(new char[kFileBuffer]);
    std::setvbuf(fp, impl->buffer.get(), _IOFBF, kFileBuffer);
  }
  // Only this thread reads the file: skip stdio's lock around each of the two freads
  // libpcap makes per packet.
  __fsetlocking(fp, FSETLOCKING_BYCALLER);
  char err[PCAP_ERRBUF_SIZE] = {};
  // On success libpcap owns fp and closes it in pcap_close; on failure we close it.
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
  if (p == nullptr) {
    const char* packer = regular ? compressed_by(fd) : nullptr;
    std::fclose(fp);
    if (regular && st.st_size == 0)
      return make_error(ErrorCode::kFormat, name + ": empty file, not a capture file");
    std::string why = err;
    ErrorCode code = ErrorCode::kFormat;
    if (why.find("truncated") != std::string::npos) code = ErrorCode::kTruncated;
    if (!regular && why.find("only got 0") != std::string::npos) {
      why = "no data, not a capture file";
      code = ErrorCode::kFormat;
    }
    if (why.find("unknown file format") != std::string::npos) {
      why = packer == nullptr ? "not a pcap or pcapng capture file"
                              : std::string(packer) +
                                    "-compressed, not a capture file as it is (try: " + decompressor(packer) +
                                    " " + path + " | netledger replay - --db ...)";
    }
    return make_error(code, name + ": " + why);
  }
  impl->pcap.reset(p);
  const int dlt = pcap_datalink(p);
  impl->dlt = dlt;
  impl->reopenable = regular;
  impl->unsigned_seconds = pcap_major_version(p) == 2;  // pcapng is 1
  std::vector<int> dlts{dlt};
  if (pcapng && PcapngReader::takes(head, sizeof head, dlt)) {
    // Each interface has its own link type: the file is refused only when none of
    // those listed up front is one the decoder knows.
    dlts = PcapngReader::leading_link_types(fd);
    impl->pcapng = std::make_unique<PcapngReader>(fd);
  }
  if (std::none_of(dlts.begin(), dlts.end(), link_type_supported)) {
    std::string types;
    for (int d : dlts) types += (types.empty() ? "" : ", ") + describe_link(d);
    return make_error(ErrorCode::kUnsupported,
                      name + ": unsupported link type" + (dlts.size() > 1 ? "s " : " ") + types);
  }
  if (header && SavefileReader::takes(*header, dlt))
    impl->savefile = std::make_unique<SavefileReader>(fd, sizeof head, *header, dlt, pcap_snapshot(p));
  return std::unique_ptr<PacketSource>(new PacketSource(std::move(impl), name));
}

Result<std::unique_ptr<PacketSource>> PacketSource::open_live(const LiveOptions& o) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapHandle p(pcap_create(o.interface.c_str(), err));
  if (!p) return make_error(ErrorCode::kIo, "pcap_create(" + o.interface + "): " + err);
  pcap_set_snaplen(p.get(), o.snaplen);
  pcap_set_promisc(p.get(), o.promiscuous ? 1 : 0);
  pcap_set_timeout(p.get(), o.read_timeout_ms);
  pcap_set_buffer_size(p.get(), o.buffer_bytes);
  pcap_set_tstamp_precision(p.get(), PCAP_TSTAMP_PRECISION_MICRO);
  int rc = pcap_activate(p.get());
  if (rc < 0) {
    std::string why = pcap_geterr(p.get());
    if (why.empty()) why = pcap_statustostr(rc);
    ErrorCode code = rc == PCAP_ERROR_PERM_DENIED      ? ErrorCode::kPermission
                     : rc == PCAP_ERROR_NO_SUCH_DEVICE ? ErrorCode::kNotFound
                                                       : ErrorCode::kIo;
    return make_error(code, "pcap_activate(" + o.interface + "): " + why);
  }
  const int dlt = pcap_datalink(p.get());
  if (!link_type_supported(dlt)) {
    return make_error(ErrorCode::kUnsupported, o.interface + ": unsupported link type " + describe_link(dlt));
  }
  if (!o.filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(p.get(), &prog, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return make_error(ErrorCode::kInvalidArgument, "filter '" + o.filter + "': " + pcap_geterr(p.get()));
    }
    int set = pcap_setfilter(p.get(), &prog);
    pcap_freecode(&prog);
    if (set != 0)
      return make_error(ErrorCode::kIo, "pcap_setfilter(" + o.interface + "): " + pcap_geterr(p.get()));
  }
  // Non-blocking reads and our own poll(): on an idle interface libpcap's TPACKET_V3
  // read can block past its timeout, and a signal must always get back to the loop.
  if (pcap_setnonblock(p.get(), 1, err) != 0) {
    return make_error(ErrorCode::kIo, "pcap_setnonblock(" + o.interface + "): " + err);
  }
  auto impl = std::make_unique<Impl>();
  impl->pcap = std::move(p);
  impl->dlt = dlt;
  impl->live = true;
  impl->fd = pcap_get_selectable_fd(impl->pcap.get());
  impl->timeout_ms = o.read_timeout_ms;
  return std::unique_ptr<PacketSource>(new PacketSource(std::move(impl), o.interface));
}

ReadResult PacketSource::next(RawPacket& out) noexcept {
  if (impl_->savefile) {
    ReadResult r = impl_->savefile->next(out);
    if (r == ReadResult::kError) error_ = name_ + ": " + impl_->savefile->error();
    return r;
  }
  if (impl_->pcapng) {
    ReadResult r = impl_->pcapng->next(out);
    if (r == ReadResult::kError) error_ = name_ + ": " + impl_->pcapng->error();
    return r;
  }
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(impl_->pcap.get(), &hdr, &data);
  if (rc == 0 && impl_->live && impl_->fd >= 0) {
    pollfd pfd{impl_->fd, POLLIN, 0};
    if (::poll(&pfd, 1, impl_->timeout_ms) > 0) rc = pcap_next_ex(impl_->pcap.get(), &hdr, &data);
  }
  switch (rc) {
    case 1:
      out.ts_us = to_us(impl_->unsigned_seconds ? static_cast<uint32_t>(hdr->ts.tv_sec) : hdr->ts.tv_sec,
                        hdr->ts.tv_usec);
      out.caplen = hdr->caplen;
      out.wire_len = hdr->len < hdr->caplen ? hdr->caplen : hdr->len;
      out.data = data;
      out.link_type = impl_->dlt;
      return ReadResult::kPacket;
    case 0: return ReadResult::kTimeout;
    case PCAP_ERROR_BREAK: return ReadResult::kEnd;
    default: {
      std::string why = pcap_geterr(impl_->pcap.get());
      if (!impl_->live && why.empty()) return ReadResult::kEnd;  // end of the savefile
      error_ = name_ + ": " + why;
      return ReadResult::kError;
    }
  }
}

bool PacketSource::reopenable() const noexcept {
  return impl_->reopenable;
}

void PacketSource::break_loop() noexcept {
  if (impl_->savefile) impl_->savefile->stop();
  if (impl_->pcapng) impl_->pcapng->stop();
  pcap_breakloop(impl_->pcap.get());
}

DropCounts PacketSource::drops() const noexcept {
  DropCounts d;
  pcap_stat st{};
  if (impl_->live && pcap_stats(impl_->pcap.get(), &st) == 0) {
    d.kernel = st.ps_drop;
    d.interface = st.ps_ifdrop;
  }
  return d;
}

}  // namespace netledger::capture
