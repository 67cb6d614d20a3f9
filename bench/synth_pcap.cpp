// Writes a deterministic synthetic capture for benchmarks when the shared reference
// generator is not available: TCP flows (handshake, request, response segments, FIN) and
// UDP request/response pairs between tens of thousands of hosts, ~10% over IPv6 and ~10%
// behind an 802.1Q tag, with a bounded number of flows live at once.
//   synth_pcap OUT.pcap [FLOWS]     (default 1,000,000 flows, ~6.5 packets each)
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

uint64_t state = 0x9E3779B97F4A7C15ULL;
uint64_t next_rand() {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

struct Writer {
  FILE* f;
  std::vector<uint8_t> frame;
  void header() {
    const uint32_t h[6] = {0xA1B2C3D4, 0x00040002, 0, 0, 65535, 1};
    std::fwrite(h, sizeof h, 1, f);
  }
  void put(uint64_t ts_us, uint32_t wire_len) {
    uint32_t rec[4] = {static_cast<uint32_t>(ts_us / 1000000), static_cast<uint32_t>(ts_us % 1000000),
                       static_cast<uint32_t>(frame.size()), wire_len};
    std::fwrite(rec, sizeof rec, 1, f);
    std::fwrite(frame.data(), frame.size(), 1, f);
  }
};

void be16(std::vector<uint8_t>& v, size_t at, uint32_t x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}

// One frame: Ethernet [VLAN] IPv4|IPv6, TCP|UDP, `payload` bytes (captured up to 64).
void build(Writer& w, bool v6, uint16_t vlan, uint32_t a, uint32_t b, bool tcp, uint16_t sp, uint16_t dp,
           uint8_t flags, uint32_t payload, uint64_t ts) {
  auto& f = w.frame;
  f.assign(14, 0);
  f[5] = 1;
  f[11] = 2;
  size_t at = 12;
  if (vlan) {
    f.resize(18);
    be16(f, 12, 0x8100);
    be16(f, 14, vlan);
    at = 16;
  }
  be16(f, at, v6 ? 0x86DD : 0x0800);
  size_t ip = f.size();
  uint32_t l4 = tcp ? 20 : 8;
  uint32_t iplen = (v6 ? 40 : 20) + l4 + payload;
  if (v6) {
    f.resize(ip + 40, 0);
    f[ip] = 0x60;
    be16(f, ip + 4, l4 + payload);
    f[ip + 6] = tcp ? 6 : 17;
    f[ip + 7] = 64;
    f[ip + 8] = 0x20;
    f[ip + 9] = 0x01;
    f[ip + 10] = 0x0d;
    f[ip + 11] = 0xb8;
    std::memcpy(&f[ip + 20], &a, 4);
    f[ip + 24] = 0x20;
    f[ip + 25] = 0x01;
    f[ip + 26] = 0x0d;
    f[ip + 27] = 0xb8;
    std::memcpy(&f[ip + 36], &b, 4);
  } else {
    f.resize(ip + 20, 0);
    f[ip] = 0x45;
    be16(f, ip + 2, iplen);
    f[ip + 8] = 64;
    f[ip + 9] = tcp ? 6 : 17;
    std::memcpy(&f[ip + 12], &a, 4);
    std::memcpy(&f[ip + 16], &b, 4);
  }
  size_t t = f.size();
  f.resize(t + l4, 0);
  be16(f, t, sp);
  be16(f, t + 2, dp);
  if (tcp) {
    f[t + 12] = 0x50;
    f[t + 13] = flags;
  } else {
    be16(f, t + 4, 8 + payload);
  }
  size_t captured = payload < 64 ? payload : 64;
  f.resize(f.size() + captured, 0x5A);
  w.put(ts, static_cast<uint32_t>(t + l4 + payload));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.pcap [FLOWS]\n", argv[0]);
    return 2;
  }
  const uint64_t flows = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  Writer w{std::fopen(argv[1], "wb"), {}};
  if (w.f == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  static char buf[1 << 20];
  std::setvbuf(w.f, buf, _IOFBF, sizeof buf);
  w.header();
  uint64_t ts = 1'790'000'000ULL * 1000000ULL;
  uint64_t packets = 0;
  for (uint64_t i = 0; i < flows; ++i) {
    uint64_t r = next_rand();
    uint32_t client = 0x0A000000u | static_cast<uint32_t>(r % 40000);          // 10.0.x.y: 40,000 clients
    uint32_t server = 0xC6000000u | static_cast<uint32_t>((r >> 20) % 10000);  // 198.x: 10,000 servers
    bool v6 = (r >> 40) % 10 == 0;
    uint16_t vlan = (r >> 44) % 10 == 0 ? static_cast<uint16_t>(100 + (r >> 48) % 50) : 0;
    uint16_t sport = static_cast<uint16_t>(1024 + (r >> 32) % 60000);
    bool tcp = (r >> 56) % 3 != 0;
    ts += 600;  // ~1,700 new flows per second: a 10-minute capture
    if (tcp) {
      uint16_t dport = (r & 1) ? 443 : 80;
      build(w, v6, vlan, client, server, true, sport, dport, 0x02, 0, ts);
      build(w, v6, vlan, server, client, true, dport, sport, 0x12, 0, ts + 150);
      build(w, v6, vlan, client, server, true, sport, dport, 0x18, 300, ts + 300);
      uint32_t segments = 1 + static_cast<uint32_t>((r >> 8) % 4);
      for (uint32_t s = 0; s < segments; ++s)
        build(w, v6, vlan, server, client, true, dport, sport, 0x10, 1400, ts + 400 + s);
      build(w, v6, vlan, client, server, true, sport, dport, 0x11, 0, ts + 500);
      build(w, v6, vlan, server, client, true, dport, sport, 0x11, 0, ts + 550);
      packets += 5 + segments;
    } else {
      build(w, v6, vlan, client, server, false, sport, 53, 0, 40, ts);
      build(w, v6, vlan, server, client, false, 53, sport, 0, 120, ts + 200);
      packets += 2;
    }
  }
  std::fclose(w.f);
  std::printf("{\"packets\":%llu,\"flows\":%llu}\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(flows));
  return 0;
}
