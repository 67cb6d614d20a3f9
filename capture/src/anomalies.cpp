#include "netledger/capture/anomalies.hpp"

namespace netledger::capture {

const char* anomaly_name(Anomaly a) noexcept {
  switch (a) {
    case Anomaly::kTruncatedLink: return "truncated_link";
    case Anomaly::kTruncatedVlan: return "truncated_vlan";
    case Anomaly::kTruncatedMpls: return "truncated_mpls";
    case Anomaly::kTruncatedPppoe: return "truncated_pppoe";
    case Anomaly::kTruncatedPpp: return "truncated_ppp";
    case Anomaly::kTruncatedIpv4: return "truncated_ipv4";
    case Anomaly::kTruncatedIpv6: return "truncated_ipv6";
    case Anomaly::kTruncatedIpv6Ext: return "truncated_ipv6_ext";
    case Anomaly::kTruncatedTcp: return "truncated_tcp";
    case Anomaly::kTruncatedUdp: return "truncated_udp";
    case Anomaly::kTruncatedSctp: return "truncated_sctp";
    case Anomaly::kTruncatedIcmp: return "truncated_icmp";
    case Anomaly::kTruncatedGre: return "truncated_gre";
    case Anomaly::kTruncatedTunnel: return "truncated_tunnel";
    case Anomaly::kTruncatedArp: return "truncated_arp";
    case Anomaly::kBadIpVersion: return "bad_ip_version";
    case Anomaly::kBadIpv4HeaderLen: return "bad_ipv4_header_len";
    case Anomaly::kBadIpLength: return "bad_ip_length";
    case Anomaly::kBadTcpHeaderLen: return "bad_tcp_header_len";
    case Anomaly::kUnknownLinkType: return "unknown_link_type";
    case Anomaly::kUnknownAddressFamily: return "unknown_address_family";
    case Anomaly::kTooManyLayers: return "too_many_layers";
    case Anomaly::kFragmentsDropped: return "fragments_dropped";
    case Anomaly::kSnaplenCut: return "snaplen_cut";
    case Anomaly::kTimeOutlier: return "time_outlier";
    case Anomaly::kClockStepBack: return "clock_stepped_back";
    case Anomaly::kTimeOutOfRange: return "time_out_of_range";
    case Anomaly::kCount: break;
  }
  return "unknown";
}

std::vector<std::pair<std::string, uint64_t>> AnomalyCounters::nonzero() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (size_t i = 0; i < n_.size(); ++i) {
    if (n_[i] != 0) out.emplace_back(anomaly_name(static_cast<Anomaly>(i)), n_[i]);
  }
  return out;
}

}  // namespace netledger::capture
