// A double as an int64_t, for numbers read back from files and databases: a cast of a
// value past either end of int64_t (or NaN, or an infinity) is undefined behaviour.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace netledger {

// The value truncated toward zero, as static_cast would, held to int64_t's range; NaN
// gives 0.
inline int64_t clamp_to_int64(double v) noexcept {
  constexpr double kTwo63 = 9223372036854775808.0;  // INT64_MAX + 1, exactly
  if (std::isnan(v)) return 0;
  if (v >= kTwo63) return std::numeric_limits<int64_t>::max();
  if (v < -kTwo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace netledger
