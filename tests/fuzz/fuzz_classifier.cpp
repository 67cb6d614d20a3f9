// Fuzz target: flows of packets built around fuzzed payloads, through the decoder, the
// Classifier and nDPI itself, with one Classifier for the whole run so its slots are wiped
// and reused as in a replay (the accountant's fuzz targets use a stand-in for it).
// Input: [kind][client port (2)][server port (2)], then records of
// [flags][length (2, big-endian)][bytes]. kind: bit 0 UDP (else TCP), bit 1 IPv6, bit 2 the
// records' bytes are whole IP datagrams rather than payloads. Record flags: bit 7 the
// server sends it, bit 6 the flow ends after it (and the next record starts a new flow in
// the next slot), bits 0-5 the TCP flags. As in a replay, the classifier sees the first IP
// layer the decoder finds, and a flow only the packets of its first one's transport.
// tests/fuzz/classifier_seed.py makes inputs from captures.
// Checked: every label an answer names was handed out by take_new_labels, once. Under
// AddressSanitizer a leak of nDPI state (see Classifier::Impl::protos) fails the run.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "netledger/capture/classifier.hpp"
#include "netledger/capture/decoder.hpp"
#include "replay_check.hpp"
#include "support/packet_builder.hpp"

namespace {

using netledger::AppInfo;
using netledger::FlowKey;
using netledger::LabelId;
using netledger::capture::Classifier;
using netledger::capture::DecodedPacket;
using netledger::capture::Decoder;
using netledger::capture::kNoSlot;
using netledger::capture::ServerName;
using netledger::capture::Verdict;
using netledger::test::Frame;

constexpr uint32_t kSlots = 4;

// An IP datagram from the client (10.0.0.1, 2001:db8::1) to the server (.2, ::2) or back,
// carrying `payload`.
std::vector<uint8_t> build(bool udp, bool v6, bool from_server, uint16_t cport, uint16_t sport,
                           uint8_t tcp_flags, const uint8_t* payload, size_t len) {
  const char* client = v6 ? "2001:db8::1" : "10.0.0.1";
  const char* server = v6 ? "2001:db8::2" : "10.0.0.2";
  const char* src = from_server ? server : client;
  const char* dst = from_server ? client : server;
  const uint16_t src_port = from_server ? sport : cport;
  const uint16_t dst_port = from_server ? cport : sport;
  Frame f;
  if (v6) {
    f.ipv6(src, dst, udp ? 17 : 6);
  } else {
    f.ipv4(src, dst, udp ? 17 : 6);
  }
  if (udp) {
    f.udp(src_port, dst_port);
  } else {
    f.tcp(src_port, dst_port, tcp_flags);
  }
  return f.bytes(payload, len).finish();
}

class Check {
 public:
  void take(Classifier& c) {
    std::vector<std::pair<LabelId, std::string>> fresh;
    c.take_new_labels(fresh);
    for (auto& [id, name] : fresh) {
      if (!announced_.emplace(id, name).second) fail("label handed out twice", name);
    }
  }
  // The answer's name as nDPI prints it.
  std::string answer(const AppInfo& a) {
    for (LabelId id : {a.app, a.master, a.ndpi, a.category}) {
      if (id != netledger::kUnknownLabel && announced_.count(id) == 0) fail("label never handed out", "");
    }
    return a.ndpi == netledger::kUnknownLabel ? "Unknown" : announced_[a.ndpi];
  }

 private:
  [[noreturn]] static void fail(const char* what, const std::string& name) {
    std::fprintf(stderr, "fuzz_classifier: %s %s\n", what, name.c_str());
    std::abort();
  }
  std::map<LabelId, std::string> announced_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Classifier classifier(Classifier::Options{});
  static Check check;
  static Decoder decoder;
  static DecodedPacket decoded;
  if (size < 5) return 0;
  const bool udp = (data[0] & 1) != 0;
  const bool v6 = (data[0] & 2) != 0;
  const bool raw = (data[0] & 4) != 0;
  const auto cport = static_cast<uint16_t>(data[1] << 8 | data[2]);
  const auto sport = static_cast<uint16_t>(data[3] << 8 | data[4]);
  FlowKey key{};
  key.family = v6 ? 6 : 4;
  key.ip_proto = udp ? 17 : 6;
  key.lo_port = cport;
  key.hi_port = sport;
  key.lo[0] = key.hi[0] = 10;  // a guess looks at the IPv4 addresses too
  key.lo[3] = 1;
  key.hi[3] = 2;

  std::vector<uint8_t> packet;
  uint32_t slot = 0;
  uint64_t flow_packets = 0;  // of the flow in `slot`; 0 when none is open
  uint8_t flow_proto = 0;     // the transport of its first packet
  bool answered = false;
  int64_t ts_us = 1'700'000'000'000'000;
  AppInfo out;
  ServerName name;
  std::string seen;  // each flow's answer, for the input runner
  auto note = [&](const std::string& what) {
    if (netledger::fuzz::verbose()) seen += (seen.empty() ? "" : ", ") + what;
  };
  auto end_flow = [&] {
    if (flow_packets > 0 && !answered) {
      key.ip_proto = flow_proto;
      classifier.conclude(slot, key, true, out, name);
      check.take(classifier);
      note(check.answer(out) + " (at its end)");
    }
    slot = (slot + 1) % kSlots;
    flow_packets = 0;
    answered = false;
  };
  for (size_t at = 5; at + 3 <= size;) {
    const uint8_t flags = data[at];
    auto len = static_cast<size_t>(data[at + 1] << 8 | data[at + 2]);
    at += 3;
    len = std::min(len, size - at);
    const uint8_t* bytes = data + at;
    at += len;
    if (raw) {
      packet.assign(bytes, bytes + len);
    } else {
      packet = build(udp, v6, (flags & 0x80) != 0, cport, sport, flags & 0x3F, bytes, len);
    }
    ts_us += 1000;
    const Verdict v = decoder.decode(netledger::capture::link::kRaw, packet.data(),
                                     static_cast<uint32_t>(packet.size()), ts_us, decoded);
    const bool ip = v == Verdict::kIp && decoded.n_ip > 0;
    if (ip && flow_packets == 0) flow_proto = decoded.ip[0].ip_proto;
    if (ip && !answered && decoded.ip[0].ip_proto == flow_proto) {
      const auto& l = decoded.ip[0];
      ++flow_packets;
      answered = classifier.feed(slot, l.l3, l.l3_len, ts_us, flow_proto, flow_packets, out, name);
      if (answered) {
        check.take(classifier);
        note(check.answer(out) + " after " + std::to_string(flow_packets) + " packets");
      }
    }
    if ((flags & 0x40) != 0) end_flow();
  }
  end_flow();
  classifier.conclude(kNoSlot, key, true, out, name);  // never inspected: the guess
  check.take(classifier);
  note("guessed " + check.answer(out));
  if (netledger::fuzz::verbose()) std::fprintf(stderr, "%s\n", seen.c_str());
  return 0;
}
