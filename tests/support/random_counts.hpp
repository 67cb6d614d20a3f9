// Random packet, byte and flow counts for a host bucket, for tests that check sums.
#pragma once

#include <random>

#include "netledger/core/records.hpp"

namespace netledger::test {

inline void random_counts(HostBucket& h, std::mt19937_64& rng) {
  h.packets_sent = rng() % 50;
  h.bytes_sent = rng() % 100000;
  h.packets_received = rng() % 50;
  h.bytes_received = rng() % 100000;
  h.flows = rng() % 3;
}

}  // namespace netledger::test
