#include "reassembly.hpp"

#include <cstring>

namespace netledger::capture::decode {

Reassembler::Slot* Reassembler::find_or_take(const Fragment& f, int64_t ts_us, uint64_t& dropped) {
  Slot* free_slot = nullptr;
  Slot* oldest = nullptr;
  for (Slot& s : slots_) {
    if (s.in_use && ts_us - s.first_us > kTimeoutUs) {
      s.in_use = false;  // timed out
      ++dropped;
    }
    if (!s.in_use) {
      if (free_slot == nullptr) free_slot = &s;
      continue;
    }
    if (s.id == f.id && s.proto == f.proto && s.src == f.src && s.dst == f.dst) return &s;
    if (oldest == nullptr || s.first_us < oldest->first_us) oldest = &s;
  }
  Slot* s = free_slot;
  if (s == nullptr) {
    s = oldest;  // every slot busy: the oldest datagram gives way
    ++dropped;
  }
  s->src = f.src;
  s->dst = f.dst;
  s->id = f.id;
  s->proto = f.proto;
  s->in_use = true;
  s->first_us = ts_us;
  s->total = 0;
  s->covered = 0;
  s->blocks.reset();
  if (!s->buffer) s->buffer = std::make_unique<uint8_t[]>(kMaxDatagram);
  return s;
}

Reassembler::Datagram Reassembler::add(const Fragment& f, int64_t ts_us, uint64_t& dropped) {
  release();
  if (f.offset + f.len > kMaxDatagram || (f.more && f.len % 8 != 0)) {
    ++dropped;  // RFC 791: every fragment but the last carries a multiple of 8 bytes
    return {};
  }
  Slot* s = find_or_take(f, ts_us, dropped);
  std::memcpy(s->buffer.get() + f.offset, f.data, f.len);
  if (!f.more) s->total = f.offset + f.len;
  const uint32_t first_block = f.offset / 8;
  const uint32_t end_block = (f.offset + f.len + 7) / 8;
  for (uint32_t b = first_block; b < end_block; ++b) {
    if (!s->blocks.test(b)) {
      s->blocks.set(b);
      ++s->covered;
    }
  }
  const uint32_t need = (s->total + 7) / 8;
  if (s->total == 0 || s->covered < need) return {};
  for (uint32_t b = 0; b < need; ++b) {
    if (!s->blocks.test(b)) return {};
  }
  completed_ = static_cast<int>(s - slots_.data());
  return Datagram{s->buffer.get(), s->total};
}

void Reassembler::release() noexcept {
  if (completed_ >= 0) slots_[static_cast<size_t>(completed_)].in_use = false;
  completed_ = -1;
}

}  // namespace netledger::capture::decode
