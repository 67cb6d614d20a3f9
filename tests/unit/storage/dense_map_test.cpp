// DenseMap: every key is found again after the index grows, entries keep the order their
// keys came in, and clear() leaves an empty map.
#include "dense_map.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace netledger::storage {

namespace {

// Few distinct hashes: most keys share a home slot and are found by probing.
struct CrowdedHash {
  size_t operator()(uint64_t k) const noexcept { return k % 7; }
};

struct SpreadHash {
  size_t operator()(uint64_t k) const noexcept { return k * 0x9E3779B97F4A7C15ULL; }
};

template <class Hash>
void check_map(uint64_t count) {
  DenseMap<uint64_t, uint64_t, Hash> map;
  for (uint64_t k = 0; k < count; ++k) {
    auto [entry, added] = map.try_emplace(k * 3 + 1, k);
    ASSERT_TRUE(added) << k;
    ASSERT_EQ(entry, k);
  }
  ASSERT_EQ(map.size(), count);
  // Every key again, after all the growing: found where it was put, its value kept.
  for (uint64_t k = 0; k < count; ++k) {
    auto [entry, added] = map.try_emplace(k * 3 + 1, 999);
    ASSERT_FALSE(added) << k;
    ASSERT_EQ(entry, k);
    ASSERT_EQ(map.at(entry).second, k);
  }
  EXPECT_EQ(map.size(), count);
  // Entries are numbered in the order their keys came, across chunks.
  for (uint64_t k = 0; k < count; ++k) EXPECT_EQ(map.at(static_cast<uint32_t>(k)).first, k * 3 + 1);
  map.clear();
  EXPECT_TRUE(map.empty());
  // An emptied map knows no key: the first one comes back as new, entry 0.
  auto [entry, added] = map.try_emplace(4, 77);
  EXPECT_TRUE(added);
  EXPECT_EQ(entry, 0U);
  EXPECT_EQ(map.at(entry).second, 77U);  // not the value the kept chunk held (0)
  EXPECT_EQ(map.size(), 1U);
}

}  // namespace

TEST(DenseMap, FindsEveryKeyAfterItsIndexGrows) {
  check_map<SpreadHash>(100'000);
}

TEST(DenseMap, FindsKeysThatShareAHomeSlot) {
  check_map<CrowdedHash>(5'000);
}

}  // namespace netledger::storage
