// Link-type dispatch: the entry point of the decoders.
#include "netledger/capture/decoder.hpp"

#include "decode_internal.hpp"

namespace netledger::capture {

bool link_type_supported(int link_type) noexcept {
  switch (link_type) {
    case link::kNull:
    case link::kEthernet:
    case link::kPpp:
    case link::kRawOpenBsd:
    case link::kRawBsdOs:
    case link::kPppSerial:
    case link::kPppEther:
    case link::kRaw:
    case link::kLoop:
    case link::kLinuxSll:
    case link::kIpv4:
    case link::kIpv6:
    case link::kNflog:
    case link::kLinuxSll2: return true;
    default: return false;
  }
}

Decoder::Decoder() : reassembler_(std::make_unique<decode::Reassembler>()) {}
Decoder::~Decoder() = default;

Verdict Decoder::decode(int link_type, const uint8_t* frame, uint32_t caplen, int64_t ts_us,
                        DecodedPacket& out) noexcept {
  out.reset();
  reassembler_->release();  // the previous frame's reassembled datagram is no longer read
  decode::Ctx ctx{out, anomalies_, *reassembler_, ts_us};
  decode::Bytes b{frame, caplen};
  switch (link_type) {
    case link::kEthernet: decode::ethernet(ctx, b); break;
    case link::kLinuxSll: decode::linux_sll(ctx, b); break;
    case link::kLinuxSll2: decode::linux_sll2(ctx, b); break;
    case link::kNull: decode::null_loop(ctx, b, false); break;
    case link::kLoop: decode::null_loop(ctx, b, true); break;
    case link::kRaw:
    case link::kRawOpenBsd:
    case link::kRawBsdOs: decode::raw_ip(ctx, b); break;
    case link::kIpv4: decode::ipv4(ctx, b); break;
    case link::kIpv6: decode::ipv6(ctx, b); break;
    case link::kPpp:
    case link::kPppSerial: decode::ppp(ctx, b); break;
    case link::kPppEther: decode::pppoe_session(ctx, b); break;
    case link::kNflog: decode::nflog(ctx, b); break;
    default: anomalies_.bump(Anomaly::kUnknownLinkType); return Verdict::kBroken;
  }
  if (out.n_ip > 0) return Verdict::kIp;
  return Verdict::kNonIp;
}

}  // namespace netledger::capture
