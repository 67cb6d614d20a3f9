// What the fuzz targets share: capture files replayed from memory through the same
// merge, decoder and accountant as `netledger replay`, into a sink that checks what
// comes out. A broken promise aborts, so the fuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace netledger::fuzz {

struct ReplayOptions {
  bool dpi = true;                 // inspection (else a guess by port for every flow)
  uint32_t max_flows = 1'000'000;  // the live-flow cap (evictions past it)
  bool store = false;              // also through the writer into a database, read back
};

// Replays `files` (each the bytes of one capture file) as one run and checks:
//  - every decoded frame is in exactly one protocol bucket (each frame counted once);
//  - hosts received what hosts sent, in packets and in bytes (every IP layer charges
//    its source and its destination);
//  - the flows carry every packet charged to hosts, and each flow's times are in order
//    and inside the run's;
//  - flow counts: one start per flow record unless a flow went on past an active timeout;
//  - buckets are aligned and inside the run's time;
//  - with `store`: the database's host and protocol sums in every resolution's table
//    (minute, hour, day, month), its reports' hosts and protocols over all time and
//    over the run's minutes, and its flows equal what the accountant sent.
// Files the merge refuses (not a capture, cut in the header) are skipped, as replay
// refuses them before reading anything.
void replay_and_check(const std::vector<std::string>& files, const ReplayOptions& options = {});

// The options a fuzz target replays an input of `input_size` bytes with: an odd length
// caps the flow table at 8 flows, so evictions are fuzzed too.
ReplayOptions fuzz_options(size_t input_size, bool store);

// Prints a line of what each replay saw (for the input runner, not while fuzzing).
void set_verbose(bool on);
[[nodiscard]] bool verbose();

}  // namespace netledger::fuzz
