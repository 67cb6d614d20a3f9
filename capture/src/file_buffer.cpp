#include "file_buffer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace netledger::capture {

FileBuffer::FileBuffer(int fd, int64_t offset, size_t block, size_t capacity)
    : fd_(fd), offset_(offset), block_(block), capacity_(capacity), buffer_(new uint8_t[capacity]) {}

size_t FileBuffer::refill(size_t want) noexcept {
  const size_t have = end_ - pos_;
  if (eof_) return have;
  if (want > capacity_) {
    const size_t bigger = want + block_;
    std::unique_ptr<uint8_t[]> grown(new (std::nothrow) uint8_t[bigger]);
    if (!grown) {
      out_of_memory_ = true;
      return have;
    }
    std::memcpy(grown.get(), buffer_.get() + pos_, have);
    buffer_ = std::move(grown);
    capacity_ = bigger;
    pos_ = 0;
    end_ = have;
  } else if (pos_ != 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, have);
    pos_ = 0;
    end_ = have;
  }
  while (end_ - pos_ < want && !eof_) {
    ssize_t n = ::pread(fd_, buffer_.get() + end_, std::min(capacity_ - end_, std::max(block_, want - end_)),
                        offset_);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      if (n < 0) read_errno_ = errno;
      break;
    }
    end_ += static_cast<size_t>(n);
    offset_ += n;
  }
  return end_ - pos_;
}

std::string FileBuffer::failure_or(std::string why) const {
  if (read_errno_ != 0) return std::string("error reading dump file: ") + std::strerror(read_errno_);
  if (out_of_memory_) return "out of memory";
  return why;
}

}  // namespace netledger::capture
