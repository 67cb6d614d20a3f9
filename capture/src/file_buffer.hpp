// FileBuffer: a file read in large blocks into one buffer, from which the savefile
// readers hand out records in place. One copy (kernel to buffer), no call per record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace netledger::capture {

class FileBuffer {
 public:
  // Reads `fd` from `offset` on, `block` bytes at a time; the caller keeps it open. The
  // buffer starts at `capacity` bytes and grows when a record needs more.
  FileBuffer(int fd, int64_t offset, size_t block, size_t capacity);

  // Makes at least `want` bytes available at data() unless the file ends (or a read
  // fails, or memory runs out) first; returns how many are. Moves what data() pointed at.
  size_t fill(size_t want) noexcept { return end_ - pos_ >= want ? end_ - pos_ : refill(want); }
  [[nodiscard]] const uint8_t* data() const noexcept { return buffer_.get() + pos_; }
  // Bytes available at data() without reading.
  [[nodiscard]] size_t available() const noexcept { return end_ - pos_; }
  // Steps past `n` available bytes; they stay readable until the next fill().
  void consume(size_t n) noexcept { pos_ += n; }
  // The errno of a failed read, or 0.
  [[nodiscard]] int read_errno() const noexcept { return read_errno_; }
  // Why fill() gave fewer bytes than wanted when the file itself is not the reason (a
  // failed read, no memory for a longer record), in libpcap's words; else `why`.
  [[nodiscard]] std::string failure_or(std::string why) const;

 private:
  size_t refill(size_t want) noexcept;

  int fd_;
  int64_t offset_;
  size_t block_;
  size_t capacity_;
  std::unique_ptr<uint8_t[]> buffer_;
  size_t pos_ = 0;  // next unread byte in buffer_
  size_t end_ = 0;  // one past the last byte read into buffer_
  bool eof_ = false;
  int read_errno_ = 0;
  bool out_of_memory_ = false;
};

}  // namespace netledger::capture
