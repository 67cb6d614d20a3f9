// IpAddr: an IPv4 or IPv6 address as a small value type (17 bytes of state).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace netledger {

class IpAddr {
 public:
  IpAddr() = default;

  // `bytes` points at 4 (v4) or 16 (v6) bytes in network order.
  static IpAddr v4(const uint8_t* bytes) noexcept {
    IpAddr a;
    a.family_ = 4;
    std::memcpy(a.bytes_.data(), bytes, 4);
    return a;
  }
  static IpAddr v6(const uint8_t* bytes) noexcept {
    IpAddr a;
    a.family_ = 6;
    std::memcpy(a.bytes_.data(), bytes, 16);
    return a;
  }
  // Parses dotted IPv4 or RFC 4291 IPv6 text; nullopt on anything else.
  static std::optional<IpAddr> parse(std::string_view text);

  [[nodiscard]] uint8_t family() const noexcept { return family_; }
  [[nodiscard]] bool is_v4() const noexcept { return family_ == 4; }
  [[nodiscard]] bool is_v6() const noexcept { return family_ == 6; }
  [[nodiscard]] bool empty() const noexcept { return family_ == 0; }
  // 0.0.0.0 or ::
  [[nodiscard]] bool is_unspecified() const noexcept {
    for (uint8_t b : bytes_) {
      if (b != 0) return false;
    }
    return family_ != 0;
  }
  [[nodiscard]] const std::array<uint8_t, 16>& bytes() const noexcept { return bytes_; }

  // RFC 5952 text for v6, dotted quad for v4.
  [[nodiscard]] std::string to_string() const;
  // The same text into `out` (kTextSize bytes, not terminated); returns its length.
  static constexpr size_t kTextSize = 46;
  size_t format(char* out) const noexcept;

  // Two word compares kept inline (the defaulted one is a memcmp call).
  friend bool operator==(const IpAddr& a, const IpAddr& b) noexcept {
    uint64_t x[2];
    uint64_t y[2];
    std::memcpy(x, a.bytes_.data(), sizeof x);
    std::memcpy(y, b.bytes_.data(), sizeof y);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0 && a.family_ == b.family_;
  }
  friend auto operator<=>(const IpAddr& a, const IpAddr& b) noexcept {
    if (auto c = a.family_ <=> b.family_; std::is_neq(c)) return c;
    return std::memcmp(a.bytes_.data(), b.bytes_.data(), 16) <=> 0;
  }

 private:
  std::array<uint8_t, 16> bytes_{};
  uint8_t family_ = 0;
};

struct IpAddrHash {
  size_t operator()(const IpAddr& a) const noexcept {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a.bytes().data(), 8);
    std::memcpy(&y, a.bytes().data() + 8, 8);
    uint64_t h = (x ^ (y * 0x9E3779B97F4A7C15ULL) ^ a.family()) * 0xBF58476D1CE4E5B9ULL;
    return static_cast<size_t>(h ^ (h >> 31));
  }
};

}  // namespace netledger
