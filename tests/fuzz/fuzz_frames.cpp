// Fuzz target: frames of one link type (the format is in frames_file.hpp), through the
// decoder and the accountant.
#include <cstddef>
#include <cstdint>

#include "frames_file.hpp"
#include "replay_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  netledger::fuzz::replay_and_check({netledger::fuzz::pcap_of_frames(data, size)},
                                    netledger::fuzz::fuzz_options(size, false));
  return 0;
}
