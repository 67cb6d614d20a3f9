#include <arpa/inet.h>
#include <pcap/pcap.h>

#include "netledger/capture/packet_source.hpp"
#include "netledger/core/ip_addr.hpp"

namespace netledger::capture {

Result<std::vector<InterfaceInfo>> list_interfaces() {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_if_t* all = nullptr;
  if (pcap_findalldevs(&all, err) != 0)
    return make_error(ErrorCode::kIo, std::string("pcap_findalldevs: ") + err);
  std::vector<InterfaceInfo> out;
  for (pcap_if_t* d = all; d != nullptr; d = d->next) {
    InterfaceInfo i;
    i.name = d->name;
    if (d->description != nullptr) i.description = d->description;
    i.up = (d->flags & PCAP_IF_UP) != 0;
    i.running = (d->flags & PCAP_IF_RUNNING) != 0;
    i.loopback = (d->flags & PCAP_IF_LOOPBACK) != 0;
    for (pcap_addr_t* a = d->addresses; a != nullptr; a = a->next) {
      if (a->addr == nullptr) continue;
      if (a->addr->sa_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(a->addr);
        i.addresses.push_back(IpAddr::v4(reinterpret_cast<const uint8_t*>(&sin->sin_addr)).to_string());
      } else if (a->addr->sa_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->addr);
        i.addresses.push_back(IpAddr::v6(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr)).to_string());
      }
    }
    out.push_back(std::move(i));
  }
  pcap_freealldevs(all);
  return out;
}

}  // namespace netledger::capture
