#include "netledger/capture/file_merge.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace netledger::capture {

namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();
// The time of a file with no packet to read: before every other, so its end (or the
// error it broke off with) comes first.
constexpr int64_t kNoPacket = std::numeric_limits<int64_t>::min();

}  // namespace

struct FileMerge::Input {
  std::string path;
  size_t rank = 0;  // its place among the names given
  int64_t first_us = kNoPacket;
  std::unique_ptr<PacketSource> kept;  // a source that cannot be opened again
  RawPacket head;                      // its first packet, read by add()
  std::string broken;                  // the error it broke off with before a packet
};

struct FileMerge::Open {
  std::unique_ptr<PacketSource> source;
  RawPacket head;  // the next packet of this file
  size_t rank = 0;
};

FileMerge::FileMerge() : taken_(kNone) {}
FileMerge::~FileMerge() = default;
FileMerge::FileMerge(FileMerge&&) noexcept = default;
FileMerge& FileMerge::operator=(FileMerge&&) noexcept = default;

Status FileMerge::add(const std::string& path) {
  auto src = PacketSource::open_file(path);
  if (!src.ok()) return src.error();
  Input in;
  in.path = path;
  in.rank = inputs_.size();
  RawPacket first;
  ReadResult r = (*src)->next(first);
  if (r == ReadResult::kPacket) {
    in.first_us = first.ts_us;
    if (!(*src)->reopenable()) {
      in.head = first;  // the data stays where it is: nothing reads this source until its turn
      in.kept = std::move(*src);
    }
  } else if (r == ReadResult::kError) {
    in.broken = (*src)->error();
  }
  inputs_.push_back(std::move(in));
  return {};
}

// Opens the files whose first packet comes before the next packet of those open (or the
// next file, when none is open). An error ends the call: the files after it are opened
// at the next one.
ReadResult FileMerge::open_due() noexcept {
  while (next_input_ < inputs_.size()) {
    Input& in = inputs_[next_input_];
    if (!open_.empty()) {
      int64_t earliest = open_.front().head.ts_us;
      for (const Open& o : open_) earliest = std::min(earliest, o.head.ts_us);
      if (in.first_us > earliest) break;
    }
    ++next_input_;
    if (!in.broken.empty()) {
      error_ = std::move(in.broken);
      return ReadResult::kError;
    }
    if (in.first_us == kNoPacket) continue;  // an empty capture
    Open o;
    o.rank = in.rank;
    if (in.kept) {
      o.source = std::move(in.kept);
      o.head = in.head;
    } else {
      auto src = PacketSource::open_file(in.path);
      if (!src.ok()) {
        error_ = src.error().message;
        failed_ = true;
        return ReadResult::kError;
      }
      o.source = std::move(*src);
      ReadResult r = o.source->next(o.head);
      if (r == ReadResult::kEnd) continue;  // emptied since add()
      if (r != ReadResult::kPacket) {
        error_ = o.source->error();
        return ReadResult::kError;
      }
    }
    open_.push_back(std::move(o));
  }
  return ReadResult::kPacket;
}

ReadResult FileMerge::next(RawPacket& out) noexcept {
  if (!sorted_) {
    std::stable_sort(inputs_.begin(), inputs_.end(),
                     [](const Input& a, const Input& b) { return a.first_us < b.first_us; });
    sorted_ = true;
  }
  failed_ = false;
  // The file whose packet went out last moves on (its packet was valid until now).
  if (taken_ != kNone) {
    const size_t i = taken_;
    taken_ = kNone;
    const ReadResult r = open_[i].source->next(open_[i].head);
    if (r != ReadResult::kPacket) {
      if (r == ReadResult::kError) error_ = open_[i].source->error();
      open_.erase(open_.begin() + static_cast<ptrdiff_t>(i));
      if (r == ReadResult::kError) return ReadResult::kError;
    }
  }
  if (next_input_ < inputs_.size()) {
    if (open_due() == ReadResult::kError) return ReadResult::kError;
  }
  if (open_.empty()) return ReadResult::kEnd;
  size_t best = 0;
  for (size_t i = 1; i < open_.size(); ++i) {
    const RawPacket& a = open_[i].head;
    const RawPacket& b = open_[best].head;
    if (a.ts_us < b.ts_us || (a.ts_us == b.ts_us && open_[i].rank < open_[best].rank)) best = i;
  }
  out = open_[best].head;
  taken_ = best;
  return ReadResult::kPacket;
}

}  // namespace netledger::capture
