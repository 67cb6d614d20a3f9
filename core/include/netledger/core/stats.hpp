// Small statistics the reports share.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace netledger {

// The 95th percentile as burstable billing takes it: sort the samples, drop the top 5%
// (rounded down), and the largest one left is the value. 0 for no samples.
inline double percentile95(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t dropped = samples.size() / 20;
  return samples[samples.size() - 1 - dropped];
}

}  // namespace netledger
