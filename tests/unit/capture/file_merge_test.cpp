#include "netledger/capture/file_merge.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "support/pcap_file.hpp"
#include "support/temp_dir.hpp"

namespace netledger::capture {

namespace {

constexpr uint32_t kFrame = 20;

// A pcap file of frames stamped `seconds`; every byte of each frame is `tag`, so a packet
// tells which file it came from. `cut` bytes are taken off the end.
std::string write_pcap(const test::TempDir& dir, const std::string& name, char tag,
                       const std::vector<double>& seconds, size_t cut = 0) {
  std::vector<test::StampedFrame> frames;
  for (double s : seconds) {
    frames.push_back(
        {static_cast<int64_t>(s * 1e6 + 0.5), std::vector<uint8_t>(kFrame, static_cast<uint8_t>(tag))});
  }
  return test::write_pcap(dir.file(name), frames, cut);
}

// What the merge gives: each packet as its tag and time in microseconds, each error as
// '!' and its message, up to the end.
std::vector<std::pair<char, int64_t>> drain(FileMerge& m, std::vector<std::string>* errors = nullptr) {
  std::vector<std::pair<char, int64_t>> got;
  RawPacket p;
  for (ReadResult r; (r = m.next(p)) != ReadResult::kEnd;) {
    if (r == ReadResult::kError) {
      got.emplace_back('!', 0);
      if (errors != nullptr) errors->push_back(m.error());
      continue;
    }
    EXPECT_EQ(r, ReadResult::kPacket);
    EXPECT_EQ(p.caplen, kFrame);
    got.emplace_back(static_cast<char>(p.data[0]), p.ts_us);
  }
  return got;
}

}  // namespace

// Packets come in time order across files, whatever order the files are named in; equal
// times go to the file named first, and an empty capture adds nothing.
TEST(FileMerge, PacketsComeInTimeOrderAndTiesGoToTheFileNamedFirst) {
  test::TempDir dir;
  FileMerge m;
  ASSERT_TRUE(m.add(write_pcap(dir, "a.pcap", 'a', {10, 30, 30, 50})).ok());
  ASSERT_TRUE(m.add(write_pcap(dir, "b.pcap", 'b', {20, 30, 40})).ok());
  ASSERT_TRUE(m.add(write_pcap(dir, "empty.pcap", 'e', {})).ok());
  ASSERT_TRUE(m.add(write_pcap(dir, "d.pcap", 'd', {5, 6.5})).ok());
  const std::vector<std::pair<char, int64_t>> want = {
      {'d', 5'000'000},  {'d', 6'500'000},  {'a', 10'000'000}, {'b', 20'000'000}, {'a', 30'000'000},
      {'a', 30'000'000}, {'b', 30'000'000}, {'b', 40'000'000}, {'a', 50'000'000}};
  EXPECT_EQ(drain(m), want);
}

// A file cut inside a record gives its packets before the cut, then an error naming it;
// the others go on after it.
TEST(FileMerge, AFileThatBreaksOffIsReportedAndTheOthersGoOn) {
  test::TempDir dir;
  FileMerge m;
  const std::string cut = write_pcap(dir, "cut.pcap", 'c', {1, 2, 3}, kFrame / 2);
  ASSERT_TRUE(m.add(cut).ok());
  ASSERT_TRUE(m.add(write_pcap(dir, "f.pcap", 'f', {1.5, 4})).ok());
  std::vector<std::string> errors;
  const std::vector<std::pair<char, int64_t>> want = {
      {'c', 1'000'000}, {'f', 1'500'000}, {'c', 2'000'000}, {'!', 0}, {'f', 4'000'000}};
  EXPECT_EQ(drain(m, &errors), want);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_NE(errors[0].find(cut), std::string::npos) << errors[0];
  EXPECT_FALSE(m.failed());
}

// A file that is gone by its turn fails the merge's read with its name; one cut before
// its first packet is reported first, before any packet.
TEST(FileMerge, AFileGoneByItsTurnFailsAndOneBrokenBeforeAPacketComesFirst) {
  test::TempDir dir;
  FileMerge m;
  ASSERT_TRUE(m.add(write_pcap(dir, "early.pcap", 'e', {1})).ok());
  const std::string late = write_pcap(dir, "late.pcap", 'l', {9});
  ASSERT_TRUE(m.add(late).ok());
  ASSERT_TRUE(m.add(write_pcap(dir, "headless.pcap", 'h', {0.5}, kFrame + 4)).ok());
  ASSERT_EQ(std::remove(late.c_str()), 0);
  RawPacket p;
  EXPECT_EQ(m.next(p), ReadResult::kError);
  EXPECT_NE(m.error().find("headless.pcap"), std::string::npos) << m.error();
  EXPECT_FALSE(m.failed());
  ASSERT_EQ(m.next(p), ReadResult::kPacket);
  EXPECT_EQ(p.data[0], 'e');
  EXPECT_EQ(m.next(p), ReadResult::kError);
  EXPECT_TRUE(m.failed());
  EXPECT_NE(m.error().find(late), std::string::npos) << m.error();
  EXPECT_EQ(m.next(p), ReadResult::kEnd);
}

// Adding checks the file: the error names it.
TEST(FileMerge, AddingAFileThatIsNotACaptureNamesIt) {
  test::TempDir dir;
  const std::string path = dir.file("notes.txt");
  FILE* fp = std::fopen(path.c_str(), "wb");
  std::fputs("not a capture at all, just some text\n", fp);
  std::fclose(fp);
  FileMerge m;
  Status s = m.add(path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
}

}  // namespace netledger::capture
