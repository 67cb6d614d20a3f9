// nDPI 4.2 behind the Classifier interface: nothing of ndpi_api.h leaks past this file.
#include "netledger/capture/classifier.hpp"

#include <ndpi_api.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "netledger/capture/names.hpp"

namespace netledger::capture {

namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;

uint32_t v4_host_order(const std::array<uint8_t, 16>& b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

// A flow nDPI knows as DNS (plain, or a service found from the name asked): nDPI 4.2 keeps
// the protocol its query gave, whatever the response holds.
bool answered_by_query(ndpi_protocol p) {
  const uint16_t master = p.master_protocol != NDPI_PROTOCOL_UNKNOWN ? p.master_protocol : p.app_protocol;
  return master == NDPI_PROTOCOL_DNS;
}

}  // namespace

struct Classifier::Impl {
  ndpi_detection_module_struct* ndpi = nullptr;
  // Slots hold nDPI flow state, made when a slot is first fed; a released slot is wiped
  // and reused.
  std::vector<ndpi_flow_struct*> flows;
  // Each slot's transport, as the flow's key has it. nDPI frees a flow's TCP or UDP
  // buffers (they share a union) by the transport of the last packet it could read, and
  // that is not always the flow's: an IPv6 packet with an authentication header, say, is
  // the flow's TCP to the decoder and protocol 51 to nDPI, and the TLS buffer the packets
  // before it filled would be lost. The transport is set back before freeing.
  std::vector<uint8_t> protos;

  std::unordered_map<std::string, LabelId> label_ids;
  std::mutex new_labels_mu;  // labels are made where flows are classified, taken where batches are
  std::vector<std::pair<LabelId, std::string>> new_labels;
  std::unordered_map<uint32_t, LabelId> proto_labels;     // nDPI protocol id -> label
  std::unordered_map<uint32_t, LabelId> combined_labels;  // master << 16 | app -> label
  std::unordered_map<uint32_t, LabelId> category_labels;

  Impl() {
    ndpi = ndpi_init_detection_module(ndpi_no_prefs);
    if (ndpi != nullptr) {
      NDPI_PROTOCOL_BITMASK all;
      NDPI_BITMASK_SET_ALL(all);
      ndpi_set_protocol_detection_bitmask2(ndpi, &all);
      ndpi_finalize_initialization(ndpi);
    }
    intern("Unknown");
  }
  ~Impl() {
    for (uint32_t slot = 0; slot < flows.size(); ++slot) {
      if (flows[slot] == nullptr) continue;
      free_data(slot);
      std::free(flows[slot]);
    }
    if (ndpi != nullptr) ndpi_exit_detection_module(ndpi);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  LabelId intern(const std::string& name) {
    auto [it, added] = label_ids.try_emplace(name, static_cast<LabelId>(label_ids.size()));
    if (added) {
      std::lock_guard lock(new_labels_mu);
      new_labels.emplace_back(it->second, name);
    }
    return it->second;
  }

  LabelId proto_label(uint16_t id) {
    if (id == NDPI_PROTOCOL_UNKNOWN) return kUnknownLabel;
    auto it = proto_labels.find(id);
    if (it != proto_labels.end()) return it->second;
    const char* name = ndpi_get_proto_name(ndpi, id);
    return proto_labels[id] = intern(name != nullptr ? name : "Unknown");
  }

  LabelId combined_label(ndpi_protocol p) {
    uint32_t key = (uint32_t{p.master_protocol} << 16) | p.app_protocol;
    auto it = combined_labels.find(key);
    if (it != combined_labels.end()) return it->second;
    char buf[128];
    ndpi_protocol2name(ndpi, p, buf, sizeof buf);
    return combined_labels[key] = intern(buf);
  }

  LabelId category_label(ndpi_protocol p) {
    auto cat = static_cast<uint32_t>(p.category);
    if (cat == NDPI_PROTOCOL_CATEGORY_UNSPECIFIED)
      cat = static_cast<uint32_t>(ndpi_get_proto_category(ndpi, p));
    auto it = category_labels.find(cat);
    if (it != category_labels.end()) return it->second;
    const char* name = ndpi_category_get_name(ndpi, static_cast<ndpi_protocol_category_t>(cat));
    return category_labels[cat] = intern(name != nullptr ? name : "Unknown");
  }

  AppInfo describe(ndpi_protocol p, bool guessed) {
    AppInfo a;
    uint16_t app = p.app_protocol != NDPI_PROTOCOL_UNKNOWN ? p.app_protocol : p.master_protocol;
    a.app = proto_label(app);
    a.master = p.master_protocol != app ? proto_label(p.master_protocol) : kUnknownLabel;
    a.ndpi = combined_label(p);
    a.category = app == NDPI_PROTOCOL_UNKNOWN ? kUnknownLabel : category_label(p);
    a.guessed = guessed && app != NDPI_PROTOCOL_UNKNOWN;
    return a;
  }

  static void server_name(const ndpi_flow_struct* f, ndpi_protocol p, ServerName& out) {
    if (f->host_server_name[0] == '\0') return;
    auto is = [&](uint16_t id) { return p.master_protocol == id || p.app_protocol == id; };
    if (is(NDPI_PROTOCOL_TLS) || is(NDPI_PROTOCOL_DTLS)) {
      out.source = NameSource::kTlsSni;
    } else if (is(NDPI_PROTOCOL_QUIC)) {
      out.source = NameSource::kQuicSni;
    } else if (is(NDPI_PROTOCOL_HTTP) || is(NDPI_PROTOCOL_HTTP_PROXY) || is(NDPI_PROTOCOL_HTTP_CONNECT)) {
      out.source = NameSource::kHttpHost;
    } else {
      return;  // DNS queries and DHCP names are read by the name parsers, with their addresses
    }
    const size_t n = strnlen(f->host_server_name, sizeof f->host_server_name);
    if (!std::all_of(f->host_server_name, f->host_server_name + n, names::name_char)) return;
    out.name.assign(f->host_server_name, n);
  }

  // The slot's nDPI state, made on first use; nullptr when memory ran out.
  ndpi_flow_struct* state(uint32_t slot, uint8_t ip_proto) {
    if (slot >= flows.size()) {
      flows.resize(slot + 1U, nullptr);
      protos.resize(slot + 1U, 0);
    }
    if (flows[slot] == nullptr)
      flows[slot] = static_cast<ndpi_flow_struct*>(std::calloc(1, SIZEOF_FLOW_STRUCT));
    protos[slot] = ip_proto;
    return flows[slot];
  }

  void free_data(uint32_t slot) {
    flows[slot]->l4_proto = protos[slot];
    ndpi_free_flow_data(flows[slot]);
  }

  void release(uint32_t slot) {
    // nDPI frees what the flow points to but leaves the pointers: wipe them with it.
    free_data(slot);
    std::memset(flows[slot], 0, SIZEOF_FLOW_STRUCT);
  }
};

Classifier::Classifier(Options options) : opt_(options), impl_(std::make_unique<Impl>()) {
  if (impl_->ndpi == nullptr) opt_.dpi = false;
}

Classifier::~Classifier() = default;

bool Classifier::feed(uint32_t slot, const uint8_t* l3, uint32_t l3_len, int64_t ts_us, uint8_t ip_proto,
                      uint64_t flow_packets, AppInfo& out, ServerName& name) {
  Impl& m = *impl_;
  ndpi_flow_struct* f = m.state(slot, ip_proto);
  if (f == nullptr) {  // no memory for its state: Unknown
    out = AppInfo{};
    return true;
  }
  const uint32_t limit = ip_proto == kTcp   ? opt_.max_tcp_packets
                         : ip_proto == kUdp ? opt_.max_udp_packets
                                            : opt_.max_other_packets;
  const bool enough = flow_packets > limit;
  ndpi_protocol p{};
  if (l3 != nullptr && l3_len > 0) {
    auto len = static_cast<unsigned short>(std::min<uint32_t>(l3_len, 65535));
    p = ndpi_detection_process_packet(m.ndpi, f, l3, len, static_cast<uint64_t>(ts_us / 1000));
  } else {
    p.app_protocol = f->detected_protocol_stack[0];
    p.master_protocol = f->detected_protocol_stack[1];
  }
  if (!enough && p.app_protocol == NDPI_PROTOCOL_UNKNOWN) return false;
  // Known, but nDPI still wants packets (a TLS certificate, an HTTP response): keep
  // feeding. Not for DNS: the query sets the answer, and nDPI reads the response only for
  // its own fields (reply code, first address), which netledger's DNS parser reads itself.
  if (!enough && !answered_by_query(p) && ndpi_extra_dissection_possible(m.ndpi, f) != 0) return false;
  bool guessed = false;
  if (p.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
    uint8_t was_guessed = 0;
    p = ndpi_detection_giveup(m.ndpi, f, 1, &was_guessed);
    guessed = was_guessed != 0;
  }
  guessed = guessed || f->confidence == NDPI_CONFIDENCE_MATCH_BY_PORT;
  out = m.describe(p, guessed);
  Impl::server_name(f, p, name);
  m.release(slot);
  return true;
}

void Classifier::conclude(uint32_t slot, const FlowKey& key, bool client_is_lo, AppInfo& out,
                          ServerName& name) {
  Impl& m = *impl_;
  if (m.ndpi == nullptr) {
    out = AppInfo{};
    return;
  }
  if (slot != kNoSlot && slot < m.flows.size() && m.flows[slot] != nullptr) {
    ndpi_flow_struct* f = m.flows[slot];
    uint8_t was_guessed = 0;
    ndpi_protocol p = ndpi_detection_giveup(m.ndpi, f, 1, &was_guessed);
    out = m.describe(p, was_guessed != 0 || f->confidence == NDPI_CONFIDENCE_MATCH_BY_PORT);
    Impl::server_name(f, p, name);
    m.release(slot);
    return;
  }
  // Not inspected: ports (and IPv4 addresses nDPI knows) only.
  const uint16_t cport = client_is_lo ? key.lo_port : key.hi_port;
  const uint16_t sport = client_is_lo ? key.hi_port : key.lo_port;
  uint32_t chost = 0;
  uint32_t shost = 0;
  if (key.family == 4) {
    chost = v4_host_order(client_is_lo ? key.lo : key.hi);
    shost = v4_host_order(client_is_lo ? key.hi : key.lo);
  }
  ndpi_protocol p = ndpi_guess_undetected_protocol(m.ndpi, nullptr, key.ip_proto, chost, cport, shost, sport);
  out = m.describe(p, true);
}

void Classifier::take_new_labels(std::vector<std::pair<LabelId, std::string>>& out) {
  std::lock_guard lock(impl_->new_labels_mu);
  for (auto& l : impl_->new_labels) out.push_back(std::move(l));
  impl_->new_labels.clear();
}

}  // namespace netledger::capture
