// The pcapng reader against libpcap itself: every packet and every error the same on
// the files libpcap reads, and on a capture whose interfaces have different link types
// (which libpcap refuses) each interface's packets as libpcap reads them on their own.
#include "pcapng_reader.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "netledger/capture/packet_source.hpp"
#include "support/pcapng_file.hpp"
#include "support/temp_dir.hpp"

namespace netledger::capture {

namespace {

using namespace test;  // the pcapng writer (support/pcapng_file.hpp)

// The file's bytes in memory, as a descriptor both readers can read.
class MemFile {
 public:
  explicit MemFile(const std::vector<uint8_t>& bytes) : fd_(::memfd_create("pcapng", 0)) {
    EXPECT_EQ(::write(fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  ~MemFile() { ::close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

struct Seen {
  std::vector<int64_t> ts_us;
  std::vector<uint32_t> caplen, wire_len;
  std::vector<int> link_type;
  std::vector<std::vector<uint8_t>> data;
  bool opened = true;
  int file_dlt = -1;  // libpcap's, for the file
  bool error = false;
  std::string message;

  void keep(int64_t ts, uint32_t cap, uint32_t len, int dlt, const uint8_t* d) {
    ts_us.push_back(ts);
    caplen.push_back(cap);
    wire_len.push_back(len < cap ? cap : len);
    link_type.push_back(dlt);
    data.emplace_back(d, d + cap);
  }
};

Seen read_with_libpcap(const std::vector<uint8_t>& bytes) {
  Seen s;
  MemFile m(bytes);
  ::lseek(m.fd(), 0, SEEK_SET);
  FILE* fp = ::fdopen(::dup(m.fd()), "rb");
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, err);
  if (p == nullptr) {
    std::fclose(fp);
    s.opened = false;
    s.message = err;
    return s;
  }
  s.file_dlt = pcap_datalink(p);
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
    s.keep(static_cast<int64_t>(static_cast<uint64_t>(h->ts.tv_sec) * 1'000'000u +
                                static_cast<uint64_t>(h->ts.tv_usec)),
           h->caplen, h->len, pcap_datalink(p), d);
  }
  s.error = std::strlen(pcap_geterr(p)) != 0;
  if (s.error) s.message = pcap_geterr(p);
  pcap_close(p);
  return s;
}

Seen read_with_reader(const std::vector<uint8_t>& bytes) {
  Seen s;
  MemFile m(bytes);
  PcapngReader reader(m.fd());
  RawPacket raw;
  ReadResult r{};
  while ((r = reader.next(raw)) == ReadResult::kPacket)
    s.keep(raw.ts_us, raw.caplen, raw.wire_len, raw.link_type, raw.data);
  s.error = r == ReadResult::kError;
  s.message = reader.error();
  return s;
}

void expect_same(const Seen& got, const Seen& want) {
  EXPECT_EQ(got.ts_us, want.ts_us);
  EXPECT_EQ(got.caplen, want.caplen);
  EXPECT_EQ(got.wire_len, want.wire_len);
  EXPECT_EQ(got.link_type, want.link_type);
  EXPECT_TRUE(got.data == want.data) << "packet bytes differ";
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.message, want.message);
}

// Reads the file both ways; libpcap must open it and hand over `packets` packets.
void expect_same_as_libpcap(const Pcapng& f, size_t packets) {
  const Seen want = read_with_libpcap(f.bytes);
  ASSERT_TRUE(want.opened) << want.message;
  EXPECT_EQ(want.ts_us.size(), packets);
  expect_same(read_with_reader(f.bytes), want);
}

// A time stamp of `units` per second (2^n when `binary`): seconds, and a fraction.
uint64_t stamp(uint64_t units, uint64_t sec, uint64_t frac) {
  return sec * units + frac % units;
}

// Many packets on one interface with `options`, of every size up to a full frame, a few
// jumbo ones and a few longer than the reader reads at a time, among blocks that are not
// packets.
Pcapng many_packets(const std::vector<Option>& options, uint64_t units, uint32_t seed, uint32_t n) {
  std::mt19937_64 gen(seed);
  Pcapng f;
  f.section();
  f.block(kNrb, {1, 0, 4, 0, 10, 0, 0, 1});
  f.interface(1, 262144, options);
  for (uint32_t i = 0; i < n; ++i) {
    auto below = [&gen](uint32_t limit) { return static_cast<uint32_t>(gen() % limit); };
    uint32_t caplen = i % 97 == 0 ? 9000 + below(50000) : below(1515);
    if (i % 499 == 0) caplen = 65536 + below(262144 - 65536);
    const uint32_t len = caplen + (i % 5 == 0 ? below(300) : 0);
    const uint64_t t = stamp(units, 1'700'000'000 + i / 100, gen());
    if (i % 50 == 7) {
      f.spb(len, std::min<uint32_t>(len, 262144));
    } else if (i % 50 == 9) {
      f.pb(0, t, caplen, len);
    } else {
      f.epb(0, t, caplen, len,
            i % 3 == 0 ? std::vector<Option>{{1, {'h', 'i'}}, {2, {0, 0, 0, 1}}} : std::vector<Option>{});
    }
    if (i % 200 == 11) f.block(kIsb, std::vector<uint8_t>(20, 0));
    if (i % 300 == 13) f.block(kCustom, std::vector<uint8_t>(9, 7));
  }
  return f;
}

}  // namespace

TEST(PcapngReader, ReadsEveryPacketAsLibpcapDoesAtEveryTimeResolution) {
  struct Case {
    std::vector<Option> options;
    uint64_t units;
  };
  const Case cases[] = {
      {{}, 1'000'000},
      {{tsresol(6)}, 1'000'000},
      {{tsresol(9)}, 1'000'000'000},
      {{tsresol(3)}, 1'000},
      {{tsresol(0)}, 1},
      {{tsresol(0x80 | 20)}, uint64_t{1} << 20},
      {{tsresol(0x80 | 3)}, 8},
      {{tsresol(9), tsoffset(86400)}, 1'000'000'000},
      {{tsoffset(1000), {0, {}}}, 1'000'000},  // options end at opt_endofopt
  };
  uint32_t seed = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE("case " + std::to_string(seed));
    expect_same_as_libpcap(many_packets(c.options, c.units, ++seed, 1500), 1500);
  }
}

TEST(PcapngReader, ReadsSeveralSectionsAndInterfacesOfOneTypeAsLibpcapDoes) {
  Pcapng f;
  f.section();
  f.interface(1, 262144, {tsresol(9)});
  f.interface(1, 262144);
  f.epb(0, stamp(1'000'000'000, 1'700'000'000, 123456789), 60, 60);
  f.epb(1, stamp(1'000'000, 1'700'000'001, 654321), 70, 80);
  f.section();  // a new section: its own interfaces
  f.interface(1, 262144, {tsresol(0x80 | 10)});
  f.epb(0, stamp(1024, 1'700'000'002, 1000), 90, 90);
  f.spb(1600, 1600);
  expect_same_as_libpcap(f, 4);

  // A simple packet block has no captured length: the packet's, cut to the snapshot.
  Pcapng cut;
  cut.section();
  cut.interface(1, 1000);
  cut.spb(1600, 1000);
  cut.spb(900, 900);
  expect_same_as_libpcap(cut, 2);
}

TEST(PcapngReader, AFileCutAnywhereKeepsEveryPacketBeforeTheCutAsLibpcapDoes) {
  Pcapng f;
  f.section();
  f.interface(1, 262144, {tsresol(9)});
  for (uint32_t i = 0; i < 12; ++i) {
    const uint64_t t = stamp(1'000'000'000, 1'700'000'000 + i, 999'999'999 - i);
    if (i % 4 == 1) {
      f.spb(40 + i, 40 + i);
    } else if (i % 4 == 2) {
      f.pb(0, t, 50 + i, 60 + i);
    } else {
      f.epb(0, t, 60 + i, 70, i % 2 == 0 ? std::vector<Option>{{1, {'c', 'u', 't'}}} : std::vector<Option>{});
    }
    if (i == 5) f.block(kIsb, std::vector<uint8_t>(20, 0));
  }
  size_t first_packet = 0;  // libpcap opens a file only through its first interface
  for (size_t at = 0; at + 8 <= f.bytes.size(); at += 4) {
    uint32_t type = 0;
    uint32_t total = 0;
    std::memcpy(&type, &f.bytes[at], 4);
    std::memcpy(&total, &f.bytes[at + 4], 4);
    if (type == kIdb) {
      first_packet = at + total;
      break;
    }
    at += total - 4;
  }
  ASSERT_GT(first_packet, 0u);
  size_t checked = 0;
  for (size_t cut = first_packet; cut < f.bytes.size(); ++cut) {
    Pcapng c;
    c.bytes.assign(f.bytes.begin(), f.bytes.begin() + static_cast<ptrdiff_t>(cut));
    const Seen want = read_with_libpcap(c.bytes);
    ASSERT_TRUE(want.opened) << want.message;
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_same(read_with_reader(c.bytes), want);
    ++checked;
  }
  EXPECT_GT(checked, 900u);
}

TEST(PcapngReader, ReportsEachBrokenBlockAsLibpcapDoes) {
  using Break = void (*)(Pcapng&);
  const Break breaks[] = {
      [](Pcapng& f) { f.block(kEpb, std::vector<uint8_t>(20, 0), 8); },      // shorter than a block
      [](Pcapng& f) { f.block(kEpb, std::vector<uint8_t>(20, 0), 34); },     // not a multiple of 4
      [](Pcapng& f) { f.block(kEpb, std::vector<uint8_t>(20, 0), 0, 36); },  // trailer differs
      [](Pcapng& f) { f.block(kEpb, std::vector<uint8_t>(16, 0)); },         // EPB too short
      [](Pcapng& f) { f.block(kSpb, {}); },                                  // SPB too short
      [](Pcapng& f) { f.block(kPb, std::vector<uint8_t>(8, 0)); },           // PB too short
      [](Pcapng& f) { f.epb(5, 0, 10, 10); },                                // no such interface
      [](Pcapng& f) { f.epb(0, 0, 70000, 70000); },                          // past the snapshot
      [](Pcapng& f) {
        f.block(kEpb, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0});
      },  // data cut
      [](Pcapng& f) {
        f.interface(1, 65535, {{9, {6, 6}}});
      },  // if_tsresol of 2 bytes
      [](Pcapng& f) {
        f.interface(1, 65535, {tsresol(6), tsresol(9)});
      },                                                               // two if_tsresol
      [](Pcapng& f) { f.interface(1, 65535, {tsresol(0x80 | 64)}); },  // 2^-64
      [](Pcapng& f) { f.interface(1, 65535, {tsresol(20)}); },         // 10^-20
      [](Pcapng& f) {
        f.interface(1, 65535, {{14, {1, 2, 3, 4}}});
      },  // if_tsoffset of 4 bytes
      [](Pcapng& f) {
        f.interface(1, 65535, {tsoffset(1), tsoffset(2)});
      },  // two if_tsoffset
      [](Pcapng& f) {
        f.interface(1, 65535, {{0, {1, 2, 3, 4}}});
      },  // opt_endofopt with a value
      [](Pcapng& f) {
        f.interface(1, 65535, {{2, {1, 2, 3, 4}, 40}});
      },  // option past the block
      [](Pcapng& f) {
        f.block(kIdb, {1, 0});
      },                                            // IDB too short
      [](Pcapng& f) { f.section(0x4D3C2B1A); },     // other byte order
      [](Pcapng& f) { f.section(0x12345678); },     // bad magic
      [](Pcapng& f) { f.section(0x1A2B3C4D, 2); },  // major version 2
      [](Pcapng& f) {
        f.block(kShb, {0x4D, 0x3C, 0x2B, 0x1A});
      },               // SHB too short
      [](Pcapng& f) {  // a block over 16 MiB
        put32(f.bytes, kEpb);
        put32(f.bytes, 20u << 20);
      },
      [](Pcapng& f) { f.bytes.resize(f.bytes.size() + 5, 0); },  // garbage between blocks
  };
  int n = 0;
  for (Break b : breaks) {
    SCOPED_TRACE("break " + std::to_string(n++));
    Pcapng f;
    f.section();
    f.interface(1, 65535);
    f.epb(0, stamp(1'000'000, 1'700'000'000, 5), 42, 42);
    b(f);
    f.epb(0, stamp(1'000'000, 1'700'000'001, 5), 42, 42);  // never reached
    const Seen want = read_with_libpcap(f.bytes);
    ASSERT_TRUE(want.opened) << want.message;
    ASSERT_TRUE(want.error);
    EXPECT_EQ(want.ts_us.size(), 1u) << want.message;
    expect_same(read_with_reader(f.bytes), want);
  }
}

TEST(PcapngReader, GivesEachInterfaceItsOwnLinkTypeSnapshotAndClock) {
  // Three interfaces as a capture on eth0, tun0 and a cooked `any` would list them,
  // each with its own time resolution; the packets interleaved.
  struct Iface {
    uint16_t linktype;
    uint32_t snaplen;
    std::vector<Option> options;
    uint64_t units;
  };
  const Iface ifaces[] = {
      {1, 262144, {}, 1'000'000},
      {101, 262144, {tsresol(9), tsoffset(3600)}, 1'000'000'000},
      {113, 200, {tsresol(0x80 | 16)}, 65536},
  };
  std::mt19937 gen(5);
  Pcapng mixed;
  Pcapng alone[3];
  mixed.section();
  for (int i = 0; i < 3; ++i) {
    mixed.interface(ifaces[i].linktype, ifaces[i].snaplen, ifaces[i].options);
    alone[i].section();
    alone[i].interface(ifaces[i].linktype, ifaces[i].snaplen, ifaces[i].options);
  }
  std::vector<int> order;
  for (uint32_t n = 0; n < 600; ++n) {
    const auto i = static_cast<uint32_t>(gen() % 3);
    const uint32_t caplen = std::min<uint32_t>(ifaces[i].snaplen, 40 + static_cast<uint32_t>(gen() % 1400));
    const uint64_t t = stamp(ifaces[i].units, 1'700'000'000 + n, gen());
    // The same bytes in the file of all three and in the file of this interface alone.
    Pcapng* files[] = {&mixed, &alone[i]};
    for (Pcapng* f : files) {
      std::vector<uint8_t> b;
      put32(b, f == &mixed ? i : 0);
      put32(b, static_cast<uint32_t>(t >> 32));
      put32(b, static_cast<uint32_t>(t));
      put32(b, caplen);
      put32(b, caplen + 4);
      for (uint32_t k = 0; k < caplen; ++k) b.push_back(static_cast<uint8_t>(n * 7 + k));
      f->block(kEpb, b);
    }
    order.push_back(static_cast<int>(i));
  }
  const Seen libpcap_mixed = read_with_libpcap(mixed.bytes);
  EXPECT_TRUE(libpcap_mixed.ts_us.empty());
  EXPECT_EQ(libpcap_mixed.message,
            "an interface has a type 101 different from the type of the first interface");

  const Seen got = read_with_reader(mixed.bytes);
  EXPECT_FALSE(got.error) << got.message;
  ASSERT_EQ(got.ts_us.size(), order.size());
  Seen want;
  size_t next[3] = {0, 0, 0};
  Seen each[3] = {read_with_libpcap(alone[0].bytes), read_with_libpcap(alone[1].bytes),
                  read_with_libpcap(alone[2].bytes)};
  for (int i : order) {
    const Seen& e = each[i];
    const size_t k = next[i]++;
    ASSERT_LT(k, e.ts_us.size());
    want.keep(e.ts_us[k], e.caplen[k], e.wire_len[k], e.link_type[k], e.data[k].data());
  }
  EXPECT_EQ(want.link_type[0], order[0] == 0 ? DLT_EN10MB : order[0] == 1 ? DLT_RAW : DLT_LINUX_SLL);
  expect_same(got, want);

  // A packet longer than its own interface's snapshot is an error, named as libpcap names it.
  mixed.epb(2, 0, 300, 300);
  const Seen cut = read_with_reader(mixed.bytes);
  EXPECT_EQ(cut.ts_us.size(), order.size());
  EXPECT_EQ(cut.message, "invalid packet capture length 300, bigger than snaplen of 200");
}

TEST(PcapngReader, MapsLinkTypeNumbersAsLibpcapDoes) {
  int compared = 0;
  for (uint16_t linktype = 0; linktype <= 300; ++linktype) {
    Pcapng f;
    f.section();
    f.interface(linktype, 65535);
    const Seen s = read_with_libpcap(f.bytes);
    ASSERT_TRUE(s.opened) << s.message;
    EXPECT_EQ(PcapngReader::dlt_of_linktype(linktype), s.file_dlt) << "LINKTYPE " << linktype;
    ++compared;
  }
  EXPECT_EQ(compared, 301);
}

TEST(PcapngReader, PacketSourceOpensACaptureOnInterfacesOfDifferentTypes) {
  test::TempDir dir;
  auto write = [&](const std::string& name, const Pcapng& f) {
    std::string path = dir.file(name);
    FILE* fp = std::fopen(path.c_str(), "wb");
    std::fwrite(f.bytes.data(), 1, f.bytes.size(), fp);
    std::fclose(fp);
    return path;
  };
  Pcapng f;
  f.section();
  f.interface(127, 65535);  // 802.11 with radiotap: nothing the decoder knows
  f.interface(101, 65535);  // raw IP
  f.epb(1, 1, 20, 20);
  f.epb(0, 2, 20, 20);
  auto source = PacketSource::open_file(write("mixed.pcapng", f));
  ASSERT_TRUE(source.ok()) << source.error().message;
  RawPacket raw;
  ASSERT_EQ((*source)->next(raw), ReadResult::kPacket);
  EXPECT_EQ(raw.link_type, DLT_RAW);
  ASSERT_EQ((*source)->next(raw), ReadResult::kPacket);
  EXPECT_EQ(raw.link_type, DLT_IEEE802_11_RADIO);
  EXPECT_EQ((*source)->next(raw), ReadResult::kEnd);

  Pcapng none;
  none.section();
  none.interface(127, 65535);
  none.interface(105, 65535);
  none.epb(1, 1, 20, 20);
  const std::string path = write("none.pcapng", none);
  auto refused = PacketSource::open_file(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            path + ": unsupported link types 127 (IEEE802_11_RADIO), 105 (IEEE802_11)");
}

}  // namespace netledger::capture
