// Writes pcapng files for tests, block by block, in this host's byte order: sections,
// interfaces with their options, and packets in every block type, whole or broken (a
// total length that disagrees with the trailer), with made-up or given bytes.
#pragma once

#include <cstdint>
#include <vector>

namespace netledger::test {

constexpr uint32_t kShb = 0x0A0D0D0A;
constexpr uint32_t kIdb = 1;
constexpr uint32_t kPb = 2;
constexpr uint32_t kSpb = 3;
constexpr uint32_t kNrb = 4;
constexpr uint32_t kIsb = 5;
constexpr uint32_t kEpb = 6;
constexpr uint32_t kCustom = 0x40000BAD;

inline void put(std::vector<uint8_t>& out, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}
inline void put16(std::vector<uint8_t>& out, uint16_t v) {
  put(out, &v, 2);
}
inline void put32(std::vector<uint8_t>& out, uint32_t v) {
  put(out, &v, 4);
}
inline void put64(std::vector<uint8_t>& out, uint64_t v) {
  put(out, &v, 8);
}

struct Option {
  uint16_t code;
  std::vector<uint8_t> value;
  uint16_t length = 0xFFFF;  // as written; the value's size unless set
};

inline void put_options(std::vector<uint8_t>& out, const std::vector<Option>& options) {
  for (const Option& o : options) {
    put16(out, o.code);
    put16(out, o.length != 0xFFFF ? o.length : static_cast<uint16_t>(o.value.size()));
    put(out, o.value.data(), o.value.size());
    while (out.size() % 4 != 0) out.push_back(0);
  }
}

// A pcapng file in this host's byte order, block by block.
class Pcapng {
 public:
  // A block whose total length field says `total` when set (a broken file), else the real one.
  void block(uint32_t type, std::vector<uint8_t> body, uint32_t total = 0, uint32_t trailer = 0) {
    while (body.size() % 4 != 0) body.push_back(0);
    const auto real = static_cast<uint32_t>(12 + body.size());
    put32(bytes, type);
    put32(bytes, total != 0 ? total : real);
    put(bytes, body.data(), body.size());
    put32(bytes, trailer != 0 ? trailer : total != 0 ? total : real);
  }
  void section(uint32_t magic = 0x1A2B3C4D, uint16_t major = 1) {
    std::vector<uint8_t> b;
    put32(b, magic);
    put16(b, major);
    put16(b, 0);
    put64(b, ~uint64_t{0});
    block(kShb, b);
  }
  void interface(uint16_t linktype, uint32_t snaplen, const std::vector<Option>& options = {}) {
    std::vector<uint8_t> b;
    put16(b, linktype);
    put16(b, 0);
    put32(b, snaplen);
    put_options(b, options);
    block(kIdb, b);
  }
  // An enhanced packet block of `caplen` made-up bytes of a `len`-byte packet.
  void epb(uint32_t id, uint64_t t, uint32_t caplen, uint32_t len, const std::vector<Option>& options = {}) {
    std::vector<uint8_t> data;
    payload(data, caplen);
    enhanced(id, t, caplen, len, data, options);
  }
  // An enhanced packet block holding `frame` whole.
  void epb(uint32_t id, uint64_t t, const std::vector<uint8_t>& frame) {
    const auto len = static_cast<uint32_t>(frame.size());
    enhanced(id, t, len, len, frame, {});
  }
  void spb(uint32_t len, uint32_t stored) {
    std::vector<uint8_t> b;
    put32(b, len);
    payload(b, stored);
    block(kSpb, b);
  }
  void pb(uint16_t id, uint64_t t, uint32_t caplen, uint32_t len) {
    std::vector<uint8_t> b;
    put16(b, id);
    put16(b, 0);
    put32(b, static_cast<uint32_t>(t >> 32));
    put32(b, static_cast<uint32_t>(t));
    put32(b, caplen);
    put32(b, len);
    payload(b, caplen);
    block(kPb, b);
  }
  void payload(std::vector<uint8_t>& b, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) b.push_back(fill_++);
  }

  std::vector<uint8_t> bytes;

 private:
  void enhanced(uint32_t id, uint64_t t, uint32_t caplen, uint32_t len, const std::vector<uint8_t>& data,
                const std::vector<Option>& options) {
    std::vector<uint8_t> b;
    put32(b, id);
    put32(b, static_cast<uint32_t>(t >> 32));
    put32(b, static_cast<uint32_t>(t));
    put32(b, caplen);
    put32(b, len);
    put(b, data.data(), data.size());
    put_options(b, options);
    block(kEpb, b);
  }

  uint8_t fill_ = 1;
};

inline Option tsresol(uint8_t r) {
  return {9, {r}};
}
inline Option tsoffset(uint64_t s) {
  std::vector<uint8_t> v;
  put64(v, s);
  return {14, v};
}

}  // namespace netledger::test
