// Fuzz target: frames of one link type (the format is in frames_file.hpp), through the
// decoder and the accountant.
#include <cstddef>
#include <cstdint>

#include "frames_file.hpp"
#include "replay_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // An odd length caps the flow table at 8 flows, so evictions are fuzzed too.
  netledger::fuzz::replay_and_check({netledger::fuzz::pcap_of_frames(data, size)},
                                    {true, size % 2 == 1 ? 8U : 1'000'000U, false});
  return 0;
}
