// FileMerge: several capture files read as one stream in packet-time order, the way
// mergecap merges them, so the files of one replay are one dataset whatever order they
// are named in. Files are taken in the order of their first packets, and those whose
// times overlap (captures made at the same time on different links) are interleaved
// packet by packet; equal times go to the file named first. A file is opened when the
// merge reaches its first packet and closed at its end, so rotated files, one after
// another in time, hold one descriptor at a time however many there are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "netledger/capture/packet_source.hpp"
#include "netledger/core/result.hpp"

namespace netledger::capture {

class FileMerge {
 public:
  FileMerge();
  ~FileMerge();
  FileMerge(FileMerge&&) noexcept;
  FileMerge& operator=(FileMerge&&) noexcept;

  // Checks the file (or standard input, kStandardInput) by opening it and reading its
  // first packet, and adds it to the merge; the error names the file and the problem. A
  // file that can be opened again is closed until its turn; a pipe stays open.
  Status add(const std::string& path);

  // kPacket: `out` is the next packet in time order, valid until the next call. kError:
  // a file broke off (error() names it, and failed() tells whether it could not even be
  // opened again); the merge goes on with the others at the next call. kEnd: every file
  // has been read.
  ReadResult next(RawPacket& out) noexcept;
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // The last error was a file that could no longer be opened (changed since add()).
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  // Files are never dropped by the kernel.
  [[nodiscard]] DropCounts drops() const noexcept { return {}; }

 private:
  struct Input;
  struct Open;
  ReadResult open_due() noexcept;

  std::vector<Input> inputs_;  // by first packet time once next() has begun
  std::vector<Open> open_;     // the files being read, each with its next packet
  size_t next_input_ = 0;      // the first input not opened yet
  size_t taken_;               // the open file whose packet went out last, or none
  bool sorted_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace netledger::capture
