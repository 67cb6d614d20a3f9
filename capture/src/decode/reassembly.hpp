// Reassembly of fragmented IP datagrams (RFC 791 §3.2, RFC 8200 §4.5), so that the
// transport and any tunnel inside a fragmented datagram are decoded in the frame that
// completes it, as Wireshark does. A fixed number of datagrams are in progress at once,
// each in a buffer taken from a pool that is allocated once: no allocation per packet
// once the pool is warm, and bounded memory whatever the input.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "netledger/core/ip_addr.hpp"

namespace netledger::capture::decode {

class Reassembler {
 public:
  static constexpr size_t kMaxDatagram = 65535;
  static constexpr size_t kSlots = 64;
  static constexpr int64_t kTimeoutUs = 30'000'000;  // as Linux's ipfrag_time

  struct Fragment {
    IpAddr src;
    IpAddr dst;
    uint32_t id = 0;
    uint8_t proto = 0;
    uint32_t offset = 0;  // bytes
    bool more = false;
    const uint8_t* data = nullptr;
    uint32_t len = 0;
  };
  struct Datagram {
    const uint8_t* data = nullptr;  // valid until the next call to add() or release()
    uint32_t len = 0;
  };

  // Adds a fragment seen at `ts_us`. Returns the whole datagram when this fragment
  // completed it, else an empty one. `dropped` counts datagrams given up (timed out,
  // pushed out by newer ones, or malformed).
  Datagram add(const Fragment& f, int64_t ts_us, uint64_t& dropped);
  // Frees the slot of the datagram last returned by add().
  void release() noexcept;

 private:
  struct Slot {
    IpAddr src;
    IpAddr dst;
    uint32_t id = 0;
    uint8_t proto = 0;
    bool in_use = false;
    int64_t first_us = 0;
    uint32_t total = 0;  // known once the last fragment arrived; 0 before
    uint32_t covered = 0;
    std::bitset<kMaxDatagram / 8 + 1> blocks;  // which 8-byte blocks arrived
    std::unique_ptr<uint8_t[]> buffer;
  };

  Slot* find_or_take(const Fragment& f, int64_t ts_us, uint64_t& dropped);

  std::array<Slot, kSlots> slots_{};
  int completed_ = -1;
};

}  // namespace netledger::capture::decode
