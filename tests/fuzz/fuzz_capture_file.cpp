// Fuzz target: the input is one capture file, or several joined by kSeparator (read as
// one merged replay), as `netledger replay` reads them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "replay_check.hpp"

namespace {
constexpr std::string_view kSeparator{"\0NLMERGE", 8};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> files;
  for (size_t at = in.find(kSeparator); at != std::string_view::npos && files.size() < 8;
       at = in.find(kSeparator)) {
    files.emplace_back(in.substr(0, at));
    in.remove_prefix(at + kSeparator.size());
  }
  files.emplace_back(in);
  netledger::fuzz::replay_and_check(files, netledger::fuzz::fuzz_options(size, false));
  return 0;
}
