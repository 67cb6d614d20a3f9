// The frames format of fuzz_frames and fuzz_store: the link type's index in
// kFrameLinkTypes, then records of [seconds since the last frame (1 byte), length (2
// bytes, big-endian), frame]; wrapped here in a pcap file, so the mutations go into the
// frames rather than the file format. tests/fuzz/frames_seed.py makes such inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "netledger/capture/decoder.hpp"

namespace netledger::fuzz {

inline constexpr std::array kFrameLinkTypes{
    capture::link::kEthernet, capture::link::kLinuxSll, capture::link::kLinuxSll2,
    capture::link::kNull,     capture::link::kLoop,     capture::link::kRaw,
    capture::link::kIpv4,     capture::link::kIpv6,     capture::link::kPpp,
    capture::link::kPppEther, capture::link::kNflog,    capture::link::kRawOpenBsd};

// A microsecond pcap file of the frames in `data` (at least one byte).
std::string pcap_of_frames(const uint8_t* data, size_t size);

}  // namespace netledger::fuzz
