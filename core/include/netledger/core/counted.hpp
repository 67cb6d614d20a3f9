// A count and its noun for messages: "1 flow", "2 flows", "0 errors".
#pragma once

#include <string>

namespace netledger {

inline std::string counted(unsigned long long n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace netledger
