// The savefile reader against libpcap itself: every record and every error the same.
#include "savefile_reader.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "netledger/capture/packet_source.hpp"
#include "support/temp_dir.hpp"

namespace netledger::capture {

namespace {

struct Record {
  uint32_t sec = 0;
  uint32_t frac = 0;
  uint32_t caplen = 0;  // as written in the record header
  uint32_t len = 0;
  uint32_t bytes = 0;  // bytes actually written after the header (normally caplen)
};

struct FileSpec {
  bool swapped = false;
  bool nanoseconds = false;
  uint16_t major = 2;
  uint16_t minor = 4;
  uint32_t snaplen = 262144;  // what tcpdump writes
  uint32_t linktype = 1;
  std::vector<Record> records;
  size_t cut_tail = 0;  // bytes removed from the end of the file
};

void put32(std::vector<uint8_t>& out, uint32_t v, bool swapped) {
  if (swapped) v = __builtin_bswap32(v);
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + 4);
}

void put16(std::vector<uint8_t>& out, uint16_t v, bool swapped) {
  if (swapped) v = static_cast<uint16_t>(__builtin_bswap16(v));
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + 2);
}

std::string write_file(const test::TempDir& dir, const std::string& name, const FileSpec& f) {
  std::vector<uint8_t> out;
  put32(out, f.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, f.swapped);
  put16(out, f.major, f.swapped);
  put16(out, f.minor, f.swapped);
  put32(out, 0, f.swapped);
  put32(out, 0, f.swapped);
  put32(out, f.snaplen, f.swapped);
  put32(out, f.linktype, f.swapped);
  uint8_t fill = 0;
  for (const Record& r : f.records) {
    put32(out, r.sec, f.swapped);
    put32(out, r.frac, f.swapped);
    put32(out, r.caplen, f.swapped);
    put32(out, r.len, f.swapped);
    for (uint32_t i = 0; i < r.bytes; ++i) out.push_back(fill++);
  }
  out.resize(out.size() - f.cut_tail);
  std::string path = dir.file(name);
  FILE* fp = std::fopen(path.c_str(), "wb");
  std::fwrite(out.data(), 1, out.size(), fp);
  std::fclose(fp);
  return path;
}

// What a reader handed over: each packet, then how it ended.
struct Seen {
  std::vector<int64_t> ts_us;
  std::vector<uint32_t> caplen, wire_len;
  std::vector<std::vector<uint8_t>> data;
  bool error = false;
  std::string message;
};

void keep(Seen& s, int64_t ts_us, uint32_t caplen, uint32_t wire_len, const uint8_t* data) {
  s.ts_us.push_back(ts_us);
  s.caplen.push_back(caplen);
  s.wire_len.push_back(wire_len);
  s.data.emplace_back(data, data + caplen);
}

Seen read_with_libpcap(const std::string& path, int* snapshot, int* dlt) {
  Seen s;
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  EXPECT_NE(p, nullptr) << err;
  if (p == nullptr) return s;
  *snapshot = pcap_snapshot(p);
  *dlt = pcap_datalink(p);
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
    keep(s, int64_t{h->ts.tv_sec} * 1'000'000 + h->ts.tv_usec, h->caplen,
         h->len < h->caplen ? h->caplen : h->len, d);
  }
  s.error = rc != PCAP_ERROR_BREAK && std::strlen(pcap_geterr(p)) != 0;
  if (s.error) s.message = pcap_geterr(p);
  pcap_close(p);
  return s;
}

Seen read_with_reader(const std::string& path, int snapshot, int dlt) {
  Seen s;
  int fd = ::open(path.c_str(), O_RDONLY);
  uint8_t head[24];
  EXPECT_EQ(::read(fd, head, sizeof head), 24);
  auto header = SavefileHeader::parse(head, sizeof head);
  EXPECT_TRUE(header.has_value());
  EXPECT_TRUE(header && SavefileReader::takes(*header, dlt));
  if (header) {
    SavefileReader reader(fd, 24, *header, dlt, snapshot);
    RawPacket raw;
    ReadResult r{};
    while ((r = reader.next(raw)) == ReadResult::kPacket)
      keep(s, raw.ts_us, raw.caplen, raw.wire_len, raw.data);
    s.error = r == ReadResult::kError;
    s.message = reader.error();
  }
  ::close(fd);
  return s;
}

void expect_same_as_libpcap(const std::string& path, size_t expected_packets) {
  int snapshot = 0;
  int dlt = 0;
  Seen want = read_with_libpcap(path, &snapshot, &dlt);
  Seen got = read_with_reader(path, snapshot, dlt);
  EXPECT_EQ(want.ts_us.size(), expected_packets);
  EXPECT_EQ(got.ts_us, want.ts_us);
  EXPECT_EQ(got.caplen, want.caplen);
  EXPECT_EQ(got.wire_len, want.wire_len);
  EXPECT_TRUE(got.data == want.data) << "packet bytes differ";
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.message, want.message);
}

// Records of every size up to a full frame, a few jumbo ones and a few longer than one
// read of the reader's, enough of them to need many reads.
std::vector<Record> many_records(uint32_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  auto rng = [&gen] { return static_cast<uint32_t>(gen()); };
  std::vector<Record> out;
  for (uint32_t i = 0; i < n; ++i) {
    Record r;
    r.sec = 1'700'000'000 + i / 100;
    r.frac = rng() % 1'000'000;
    r.caplen = i % 97 == 0 ? 9000 + rng() % 50000 : rng() % 1515;
    if (i % 499 == 0) r.caplen = 65536 + rng() % (262144 - 65536);
    r.len = r.caplen + (i % 5 == 0 ? rng() % 300 : 0);
    r.bytes = r.caplen;
    out.push_back(r);
  }
  return out;
}

}  // namespace

TEST(SavefileReader, ReadsEveryRecordAsLibpcapDoesInEitherByteOrderAndTimeUnit) {
  test::TempDir dir;
  for (bool swapped : {false, true}) {
    for (bool nanoseconds : {false, true}) {
      FileSpec f;
      f.swapped = swapped;
      f.nanoseconds = nanoseconds;
      f.records = many_records(3000, swapped * 2 + nanoseconds);
      if (nanoseconds) {
        for (Record& r : f.records) r.frac = r.frac * 1000 + 999;
      }
      SCOPED_TRACE(std::string(swapped ? "swapped" : "native") + (nanoseconds ? " ns" : " us"));
      expect_same_as_libpcap(write_file(dir, "plain.pcap", f), 3000);
    }
  }
}

TEST(SavefileReader, CutsRecordsLongerThanTheSnapshotAsLibpcapDoes) {
  test::TempDir dir;
  FileSpec f;
  f.snaplen = 100;
  f.records = many_records(500, 7);
  expect_same_as_libpcap(write_file(dir, "snap.pcap", f), 500);
  f.snaplen = 0;  // no snapshot in the header: libpcap's maximum
  expect_same_as_libpcap(write_file(dir, "nosnap.pcap", f), 500);
}

TEST(SavefileReader, AFileCutInsideARecordKeepsEveryPacketBeforeTheCut) {
  test::TempDir dir;
  FileSpec f;
  f.records = many_records(200, 3);
  f.records.push_back({1, 2, 1000, 1000, 1000});
  f.cut_tail = 400;  // inside the last record's bytes
  expect_same_as_libpcap(write_file(dir, "cut-data.pcap", f), 200);
  f.cut_tail = 1000 + 9;  // inside the last record's header
  expect_same_as_libpcap(write_file(dir, "cut-header.pcap", f), 200);
  f.snaplen = 100;  // cut inside the part a short snapshot drops, then inside the part it keeps
  f.cut_tail = 400;
  expect_same_as_libpcap(write_file(dir, "cut-dropped.pcap", f), 200);
  f.cut_tail = 950;
  expect_same_as_libpcap(write_file(dir, "cut-kept.pcap", f), 200);
}

TEST(SavefileReader, StopsAtARecordLongerThanAnyLinkAllows) {
  test::TempDir dir;
  FileSpec f;
  f.records = many_records(50, 4);
  f.records.push_back({1, 2, 300000, 300000, 300000});
  expect_same_as_libpcap(write_file(dir, "huge.pcap", f), 50);
  f.snaplen = 400000;  // more than libpcap allows: it lowers the snapshot to its maximum
  expect_same_as_libpcap(write_file(dir, "huge-snap.pcap", f), 50);
}

TEST(SavefileReader, TakesOnlyWhatLibpcapHandsOverUnchanged) {
  uint8_t head[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
  auto h = SavefileHeader::parse(head, sizeof head);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(SavefileReader::takes(*h, DLT_EN10MB));
  head[6] = 3;  // version 2.3: the two lengths may be swapped
  EXPECT_FALSE(SavefileReader::takes(*SavefileHeader::parse(head, sizeof head), DLT_EN10MB));
  const uint8_t swapped[24] = {0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4};
  h = SavefileHeader::parse(swapped, sizeof swapped);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->swapped);
  EXPECT_TRUE(h->nanoseconds);
  EXPECT_TRUE(SavefileReader::takes(*h, DLT_EN10MB));
  EXPECT_FALSE(SavefileReader::takes(*h, DLT_NFLOG));  // its TLVs are in the writer's order
  EXPECT_FALSE(SavefileReader::takes(*h, DLT_LINUX_SLL));
  const uint8_t pcapng[24] = {0x0a, 0x0d, 0x0d, 0x0a};
  EXPECT_FALSE(SavefileHeader::parse(pcapng, sizeof pcapng).has_value());
}

TEST(SavefileReader, PacketSourceNamesTheFileWhenARecordIsCut) {
  test::TempDir dir;
  FileSpec f;
  f.records = many_records(10, 5);
  f.records.push_back({1, 2, 1000, 1000, 1000});
  f.cut_tail = 10;
  std::string path = write_file(dir, "cut.pcap", f);
  auto source = PacketSource::open_file(path);
  ASSERT_TRUE(source.ok());
  RawPacket raw;
  int packets = 0;
  ReadResult r{};
  while ((r = (*source)->next(raw)) == ReadResult::kPacket) ++packets;
  EXPECT_EQ(packets, 10);
  EXPECT_EQ(r, ReadResult::kError);
  EXPECT_EQ((*source)->error(),
            path + ": truncated dump file; tried to read 1000 captured bytes, only got 990");
}

}  // namespace netledger::capture
