#include "netledger/capture/accountant.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "netledger/capture/names.hpp"
#include "netledger/core/time_format.hpp"

namespace netledger::capture {

namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kAck = 0x10;

}  // namespace

Accountant::Accountant(AccountantOptions options, TrafficSink& sink)
    : opt_(options),
      sink_(sink),
      // The wheel reaches past the longest time a flow waits for its next packet.
      table_(options.max_flows, std::max(options.idle_timeout_s, options.close_linger_s) + 2),
      inspector_(Classifier::Options{options.dpi}, options.dpi_thread, options.max_flows) {
  batch_.flows.reserve(opt_.flows_per_batch);
}

bool Accountant::add(int64_t ts_us, uint32_t wire_len, const DecodedPacket& pkt) {
  if (!status_.ok()) return false;
  if (retiring_head_ < retiring_.size()) complete_retiring(false);
  if (ts_us > now_us_ || bucket_s_ == kNoBucket) {
    if (!advance(ts_us)) return false;
  }
  ts_us = time_of(ts_us);
  const int innermost = pkt.n_ip - 1;
  for (int i = 0; i < pkt.n_ip; ++i) charge_layer(ts_us, wire_len, pkt, i);
  if (innermost >= 0) {
    ProtoCounters& p = protocols_[pkt.ip[static_cast<size_t>(innermost)].ip_proto];
    ++p.packets;
    p.bytes += wire_len;
    if (pkt.payload_len > 0) learn_names(ts_us, pkt);
  }
  if (pkt.has_neighbor) learn(HostMac{pkt.neighbor.ip, pkt.neighbor.mac, ts_us / 1'000'000});
  if (batch_.flows.size() >= opt_.flows_per_batch) return emit(false);
  return true;
}

void Accountant::charge_layer(int64_t ts_us, uint32_t wire_len, const DecodedPacket& pkt, int layer) {
  const IpLayer& l = pkt.ip[static_cast<size_t>(layer)];
  const bool innermost = layer == pkt.n_ip - 1;
  bool src_is_lo = true;
  FlowKey key =
      FlowKey::make(l.src, l.src_port, l.dst, l.dst_port, l.ip_proto, pkt.vlan, pkt.outer_vlan, src_is_lo);
  uint64_t hash = key.hash();
  uint32_t index = table_.find(key, hash);
  if (index != kNoFlow) {
    Flow& f = table_.at(index);
    bool restart = f.closed && l.ip_proto == kTcp && (l.tcp_flags & (kSyn | kAck)) == kSyn;
    if (overdue(f, now_us_)) {
      // The lists are checked lazily (see FlowTable), so an expired flow can still be
      // here; this packet starts a new one as if the old one had been ended on time.
      end_flow(index, f.closed ? FlowEnd::kClosed : FlowEnd::kIdle);
      index = kNoFlow;
    } else if (restart) {
      end_flow(index, FlowEnd::kClosed);
      index = kNoFlow;
    } else if (ts_us - f.first_us >= opt_.active_timeout_s * 1'000'000) {
      // NetFlow-style active timeout: report what the flow did so far, go on afresh.
      bool client_is_lo = f.client_is_lo;
      bool counted = f.counted;
      settle(f);  // the next part carries on with this part's answer
      AppInfo app = f.app;
      end_flow(index, FlowEnd::kActive);
      index = new_flow(key, hash, ts_us, client_is_lo, l, innermost, true);
      Flow& g = table_.at(index);
      g.client_is_lo = client_is_lo;
      g.counted = counted;
      g.app = app;
      g.classified = true;
    }
  }
  if (index == kNoFlow) index = new_flow(key, hash, ts_us, src_is_lo, l, innermost, false);

  Flow& f = table_.at(index);
  const int dir = (src_is_lo == f.client_is_lo) ? 0 : 1;
  ++f.pending_packets[dir];
  f.pending_bytes[dir] += wire_len;
  if (ts_us > f.last_us) f.last_us = ts_us;
  if (!innermost) f.tunnel = true;
  if (!f.dirty) {
    f.dirty = true;
    dirty_.push_back(index);
  }
  if (l.ip_proto == kTcp && (l.tcp_flags & (kRst | kFin)) != 0) {
    const bool was_closed = f.closed;
    if ((l.tcp_flags & kRst) != 0) f.closed = true;
    if ((l.tcp_flags & kFin) != 0) f.fin_mask |= static_cast<uint8_t>(1U << dir);
    if (f.fin_mask == 3) f.closed = true;
    if (f.closed && !was_closed) table_.schedule(index, std::max(due_s(f), wheel_s_));  // sooner: it lingers
  }
  if (f.dpi_slot != kNoSlot) classify(f, l, ts_us);
}

void Accountant::classify(Flow& f, const IpLayer& l, int64_t ts_us) {
  if (take_answer(f)) return;  // answered already: the rest of the flow is not inspected
  f.dpi_seq = inspector_.feed(f.dpi_slot, l.l3, l.l3_len, ts_us, f.key.ip_proto, f.packets(0) + f.packets(1));
  take_answer(f);
}

// Takes the flow's answer once the inspector has handled all it was sent for the flow
// and the answer is final; the slot goes back then.
bool Accountant::take_answer(Flow& f) {
  if (f.dpi_slot == kNoSlot || !inspector_.handled(f.dpi_seq)) return false;
  const Inspector::Answer& a = inspector_.answer(f.dpi_slot);
  if (!a.final) return false;
  f.app = a.app;
  f.classified = true;
  if (!a.name.name.empty()) learn(endpoints(f).server, a.name.name, a.name.source, a.seen_s);
  inspector_.release(f.dpi_slot);
  f.dpi_slot = kNoSlot;
  return true;
}

// Asks for the flow's final answer: what its inspection found, or the guess from its
// key when it was not inspected.
void Accountant::ask_final(Flow& f, int64_t seen_s) {
  const bool inspected = f.dpi_slot != kNoSlot;
  if (!inspected) f.dpi_slot = open_slot();
  f.dpi_seq = inspector_.conclude(f.dpi_slot, inspected, f.key, f.client_is_lo, seen_s);
}

// The flow's final answer now, waited for when it is still open.
void Accountant::settle(Flow& f) {
  if (f.classified || take_answer(f)) return;
  ask_final(f, f.last_us / 1'000'000);
  inspector_.wait_all();
  take_answer(f);
}

uint32_t Accountant::open_slot() {
  uint32_t slot = inspector_.open();
  if (slot == kNoSlot) {  // every slot waits for an answer: take them all back first
    complete_retiring(true);
    slot = inspector_.open();
  }
  return slot;
}

// Closes the ended flows whose answers are in (all of them, waiting for the inspector,
// when `all`), in the order they ended.
void Accountant::complete_retiring(bool all) {
  if (all) inspector_.wait_all();
  while (retiring_head_ < retiring_.size()) {
    Retiring& r = retiring_[retiring_head_];
    if (!take_answer(r.flow)) break;
    close_flow(r.flow, r.why);
    ++retiring_head_;
  }
  if (retiring_head_ == retiring_.size()) {
    retiring_.clear();
    retiring_head_ = 0;
  } else if (retiring_head_ > 4096 && retiring_head_ * 2 > retiring_.size()) {
    retiring_.erase(retiring_.begin(), retiring_.begin() + static_cast<std::ptrdiff_t>(retiring_head_));
    retiring_head_ = 0;
  }
}

uint32_t Accountant::flows_in_classification() {
  complete_retiring(true);
  uint32_t open = 0;
  for (int64_t s = 0; s < table_.wheel_seconds(); ++s) {
    for (uint32_t i = table_.first_due(s); i != kNoFlow; i = table_.at(i).next) {
      Flow& f = table_.at(i);
      if (!f.classified && !take_answer(f) && f.dpi_slot != kNoSlot) ++open;
    }
  }
  return open;
}

void Accountant::learn_names(int64_t ts_us, const DecodedPacket& pkt) {
  const IpLayer& l = pkt.ip[static_cast<size_t>(pkt.n_ip - 1)];
  if (!l.has_ports) return;
  const int64_t seen_s = ts_us / 1'000'000;
  if (l.src_port == 53 || l.src_port == 5353) {
    names::from_dns(pkt.payload, pkt.payload_len, l.ip_proto == kTcp, found_);
  } else if (l.ip_proto == 17 && (l.src_port == 67 || l.src_port == 68) &&
             (l.dst_port == 67 || l.dst_port == 68)) {
    names::from_dhcp(pkt.payload, pkt.payload_len, seen_s, found_);
  } else {
    return;
  }
  for (const IpAddr& host : found_.named) learn(host, found_.name(), found_.source, seen_s);
  if (found_.mac) learn(*found_.mac);
}

// A 64-bit fingerprint of a host and what was learned about it, for the per-bucket
// "already sent" set: a collision would hold back one sighting for one bucket.
uint64_t Accountant::fingerprint(const IpAddr& host, char kind, std::string_view what) {
  uint64_t h = std::hash<std::string_view>{}(what);
  h ^= IpAddrHash{}(host) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h = (h ^ static_cast<uint8_t>(kind)) * 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

// A name is kept once per bucket (a copy of its text), with its first and last sighting.
void Accountant::learn(const IpAddr& host, std::string_view name, NameSource source, int64_t seen_s) {
  if (name.empty()) return;
  constexpr uint32_t kNotAName = UINT32_MAX;
  auto [known, added] = learned_.insert(fingerprint(host, static_cast<char>(source), name),
                                        static_cast<uint32_t>(bucket_names_.size()));
  if (!added) {
    if (*known == kNotAName) return;
    Sighted<HostName>& k = bucket_names_[*known];
    if (k.first.host == host && k.first.source == source && k.first.name == name) {
      k.see(seen_s);
      return;
    }  // else another name with the same fingerprint: kept on its own
  } else if (IpAddr::parse(name)) {
    *known = kNotAName;  // an address is not a name
    return;
  }
  bucket_names_.push_back({HostName{host, std::string(name), source, seen_s}, seen_s});
}

void Accountant::learn(const HostMac& m) {
  if (m.host.empty() || m.host.is_unspecified()) return;
  std::string_view mac(reinterpret_cast<const char*>(m.mac.data()), m.mac.size());
  auto [known, added] =
      learned_.insert(fingerprint(m.host, 'M', mac), static_cast<uint32_t>(bucket_macs_.size()));
  if (!added) {
    Sighted<HostMac>& k = bucket_macs_[*known];
    if (k.first.host == m.host && k.first.mac == m.mac) {
      k.see(m.seen_s);
      return;
    }
  }
  bucket_macs_.push_back({m, m.seen_s});
}

namespace {

// Moves the bucket's sightings to `out`: each with its first time, and again with its
// last when that is later.
template <class T>
void send(std::vector<Accountant::Sighted<T>>& kept, std::vector<T>& out) {
  for (auto& k : kept) {
    if (k.last_s != k.first.seen_s) {
      out.push_back(k.first);
      out.back().seen_s = k.last_s;
    }
    out.push_back(std::move(k.first));
  }
  kept.clear();
}

}  // namespace

void Accountant::send_sightings() {
  send(bucket_names_, batch_.names);
  send(bucket_macs_, batch_.macs);
  learned_.clear();
}

void Accountant::add_neighbor(int64_t ts_us, const Neighbor& n) {
  if (!advance(ts_us)) return;
  learn(HostMac{n.ip, n.mac, time_of(ts_us) / 1'000'000});
}

uint32_t Accountant::new_flow(const FlowKey& key, uint64_t hash, int64_t ts_us, bool src_is_lo,
                              const IpLayer& l, bool innermost, bool continues) {
  if (table_.size() >= table_.max_flows()) {
    // The cap is reached: the flow whose time is up soonest makes room, and the eviction
    // is counted.
    const uint32_t victim = soonest_due();
    const Flow& v = table_.at(victim);
    if (overdue(v, now_us_)) {  // not an eviction: its time was up
      end_flow(victim, v.closed ? FlowEnd::kClosed : FlowEnd::kIdle);
    } else {
      end_flow(victim, FlowEnd::kEvicted);
      ++flows_evicted_;
    }
  }
  const int64_t due = floor_div(ts_us + opt_.idle_timeout_s * 1'000'000, 1'000'000);
  uint32_t index = table_.insert(key, hash, due);
  Flow& f = table_.at(index);
  f.first_us = ts_us;
  f.last_us = ts_us;
  // The client sent the SYN; a SYN-ACK seen first means the other side did.
  bool syn_ack = l.ip_proto == kTcp && (l.tcp_flags & (kSyn | kAck)) == (kSyn | kAck);
  f.client_is_lo = syn_ack ? !src_is_lo : src_is_lo;
  f.dpi_slot = kNoSlot;
  f.app = AppInfo{};
  f.classified = false;
  if (continues) return index;
  if (inspector_.inspecting()) {
    f.dpi_slot = open_slot();
  } else {  // without inspection the guess from the ports is the answer from the start
    ask_final(f, ts_us / 1'000'000);
    take_answer(f);
  }
  ++flows_seen_;
  if (innermost) ++protocols_[l.ip_proto].flows;
  return index;
}

Accountant::Endpoints Accountant::endpoints(const Flow& f) {
  IpAddr lo = f.key.lo_addr();
  IpAddr hi = f.key.hi_addr();
  return f.client_is_lo ? Endpoints{lo, hi} : Endpoints{hi, lo};
}

void Accountant::flush_flow(Flow& f) {
  f.dirty = false;
  if (f.pending_packets[0] == 0 && f.pending_packets[1] == 0 && f.counted) return;
  const auto [client, server] = endpoints(f);
  hosts_.make_room(2);  // both ends' counters stay where they are while both are charged
  auto charge = [&](const IpAddr& host, int sent_dir) {
    HostBucket& h = hosts_.at(host, f.key.ip_proto, f.app.app);
    h.packets_sent += f.pending_packets[sent_dir];
    h.bytes_sent += f.pending_bytes[sent_dir];
    h.packets_received += f.pending_packets[1 - sent_dir];
    h.bytes_received += f.pending_bytes[1 - sent_dir];
    return &h;
  };
  HostBucket* c = charge(client, 0);
  HostBucket* s = charge(server, 1);
  if (!f.counted) {
    ++c->flows;
    if (s != c) ++s->flows;
    f.counted = true;
  }
  for (int d = 0; d < 2; ++d) {
    f.charged_packets[d] += f.pending_packets[d];
    f.charged_bytes[d] += f.pending_bytes[d];
    f.pending_packets[d] = 0;
    f.pending_bytes[d] = 0;
  }
}

void Accountant::end_flow(uint32_t index, FlowEnd why) {
  Flow& f = table_.at(index);
  if (!f.classified && !take_answer(f)) {
    ask_final(f, f.last_us / 1'000'000);
    if (!take_answer(f)) {  // on its way: the flow waits for it off the table
      retiring_.push_back(Retiring{f, why});
      table_.erase(index);
      return;
    }
  }
  close_flow(f, why);
  table_.erase(index);
}

// Charges what the ended flow carried since the last bucket and records it.
void Accountant::close_flow(Flow& f, FlowEnd why) {
  flush_flow(f);
  FlowRecord r;
  const auto [client, server] = endpoints(f);
  r.client = client;
  r.server = server;
  r.client_port = f.client_is_lo ? f.key.lo_port : f.key.hi_port;
  r.server_port = f.client_is_lo ? f.key.hi_port : f.key.lo_port;
  r.ip_proto = f.key.ip_proto;
  r.tunnel = f.tunnel;
  r.vlan = f.key.vlan;
  r.outer_vlan = f.key.outer_vlan;
  r.first_us = f.first_us;
  r.last_us = f.last_us;
  r.packets_c2s = f.packets(0);
  r.bytes_c2s = f.bytes(0);
  r.packets_s2c = f.packets(1);
  r.bytes_s2c = f.bytes(1);
  r.end = why;
  r.app = f.app;
  batch_.flows.push_back(r);
}

// The clock only moves forward: a packet stamped earlier than one already seen
// (interfaces a little out of step) is charged to the open bucket. It keeps its own time
// unless that is an idle timeout or more behind the clock: then it happens at the clock's
// time, or its flow would be over as soon as it started. (The pipeline tells a clock set
// back from one bad time stamp by the packet after it, and restarts the clock for the
// first: see Pipeline::on_jump.)
int64_t Accountant::time_of(int64_t ts_us) const {
  return now_us_ - ts_us >= opt_.idle_timeout_s * 1'000'000 ? now_us_ : ts_us;
}

// Whether the flow's time was up by now: idle (or, closed, done lingering) long enough.
bool Accountant::overdue(const Flow& f, int64_t now_us) const {
  return now_us - f.last_us >= timeout_us(f);
}

int64_t Accountant::timeout_us(const Flow& f) const {
  return (f.closed ? opt_.close_linger_s : opt_.idle_timeout_s) * 1'000'000;
}

// The second in which the flow's time is up, from its last packet.
int64_t Accountant::due_s(const Flow& f) const {
  return floor_div(f.last_us + timeout_us(f), 1'000'000);
}

// Looks at the wheel's lists of the seconds that passed: a flow whose time is up ends, the
// others (they saw packets since they were put there) move to the second their time is
// now up. The second now running is looked at once it has passed, so a flow ends less
// than a second after its time (a packet of its own that comes later, or a bucket that
// closes, ends it on time: see charge_layer and roll_bucket).
void Accountant::expire(int64_t now_us) {
  const int64_t now_s = floor_div(now_us, 1'000'000);
  if (wheel_s_ == INT64_MIN) wheel_s_ = now_s;
  const int64_t from = std::max(wheel_s_, now_s - table_.wheel_seconds());
  for (int64_t s = from; s < now_s; ++s) {
    for (uint32_t i = table_.first_due(s); i != kNoFlow;) {
      Flow& f = table_.at(i);
      const uint32_t next = f.next;
      if (overdue(f, now_us)) {
        end_flow(i, f.closed ? FlowEnd::kClosed : FlowEnd::kIdle);
      } else if (const int64_t due = due_s(f); !table_.same_list(due, s)) {
        table_.schedule(i, due);
      }
      i = next;
    }
  }
  wheel_s_ = std::max(wheel_s_, now_s);
}

// The flow whose time is up soonest, as the wheel tells from the second now running on:
// flows that saw packets since they were put in a list move on to their second first.
uint32_t Accountant::soonest_due() {
  if (wheel_s_ == INT64_MIN) wheel_s_ = floor_div(now_us_, 1'000'000);
  for (int64_t s = wheel_s_; s < wheel_s_ + table_.wheel_seconds(); ++s) {
    for (uint32_t i = table_.first_due(s); i != kNoFlow;) {
      const uint32_t next = table_.at(i).next;
      const int64_t due = due_s(table_.at(i));
      if (table_.same_list(due, s)) return i;
      table_.schedule(i, due);
      i = next;
    }
  }
  return kNoFlow;
}

bool Accountant::advance(int64_t now_us) {
  if (!status_.ok()) return false;
  if (bucket_s_ != kNoBucket && now_us <= now_us_) return true;
  const int64_t before_us = now_us_;
  now_us_ = now_us;
  // Time only moves forward: the bucket changes once the open one is over.
  if (bucket_s_ == kNoBucket || now_us >= (bucket_s_ + opt_.bucket_s) * 1'000'000) {
    int64_t bucket = floor_div(floor_div(now_us, 1'000'000), opt_.bucket_s) * opt_.bucket_s;
    if (bucket_s_ == kNoBucket) bucket_s_ = bucket;
    if (bucket != bucket_s_) {
      if (!roll_bucket(before_us)) return false;
      bucket_s_ = bucket;
    }
  }
  expire(now_us);
  return status_.ok();
}

// Charges the bucket's traffic to hosts. `before_us` is the clock before the packet
// that closes the bucket: a flow of the bucket whose time was up by then ends first, so
// its last part is charged with its final answer, as if the lists were checked on time.
bool Accountant::roll_bucket(int64_t before_us) {
  // The bucket's answers are all in before it is charged, as if inspection were inline.
  complete_retiring(true);
  bool ended = false;
  for (uint32_t index : dirty_) {
    Flow& f = table_.at(index);
    if (f.in_use && f.dirty && overdue(f, before_us)) {
      end_flow(index, f.closed ? FlowEnd::kClosed : FlowEnd::kIdle);
      ended = true;
    }
  }
  if (ended) complete_retiring(true);
  for (uint32_t index : dirty_) {
    Flow& f = table_.at(index);
    if (!f.in_use || !f.dirty) continue;
    if (!f.classified) take_answer(f);
    flush_flow(f);
  }
  dirty_.clear();
  return emit(true);
}

bool Accountant::emit(bool with_buckets) {
  if (with_buckets) {
    batch_.hosts.reserve(hosts_.size());
    hosts_.for_each([&](HostBucket& h) {
      h.bucket_s = bucket_s_;
      batch_.hosts.push_back(h);
    });
    hosts_.clear();
    for (size_t p = 0; p < protocols_.size(); ++p) {
      const ProtoCounters& c = protocols_[p];
      if (c.packets == 0 && c.flows == 0) continue;
      batch_.protocols.push_back(
          ProtocolBucket{bucket_s_, static_cast<uint8_t>(p), c.packets, c.bytes, c.flows});
    }
    protocols_.fill(ProtoCounters{});
    send_sightings();
  }
  inspector_.take_new_labels(batch_.labels);
  if (batch_.empty()) return true;
  status_ = sink_.consume(std::exchange(batch_, sink_.spare()));
  batch_.flows.reserve(opt_.flows_per_batch);
  return status_.ok();
}

bool Accountant::finish() {
  if (!status_.ok()) return false;
  for (int64_t s = 0; s < table_.wheel_seconds(); ++s) {
    for (uint32_t i = table_.first_due(s); i != kNoFlow; i = table_.first_due(s)) {
      const Flow& f = table_.at(i);
      FlowEnd why = f.closed ? FlowEnd::kClosed : FlowEnd::kEndOfCapture;
      if (!f.closed && overdue(f, now_us_)) why = FlowEnd::kIdle;
      end_flow(i, why);
    }
  }
  complete_retiring(true);
  dirty_.clear();
  if (bucket_s_ == kNoBucket) return emit(false);
  return emit(true);
}

bool Accountant::restart_clock() {
  if (!finish()) return false;
  bucket_s_ = kNoBucket;
  wheel_s_ = INT64_MIN;
  return true;
}

}  // namespace netledger::capture
