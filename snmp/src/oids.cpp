#include "oids.hpp"

namespace netledger::snmp {

namespace {

using Text = std::optional<std::string>;
using Int = std::optional<int64_t>;
using Count = std::optional<uint64_t>;

template <class T>
bool put(std::optional<T>& field, std::optional<T> v) {
  if (!v) return false;
  field = v;
  return true;
}

bool put_text(std::string& field, const Text& v) {
  if (!v) return false;
  field = *v;
  return true;
}

bool set_if(IfRow& r, int c, const Text& text, const Text& hex, Int i, Count n) {
  switch (c) {
    case 2: return put_text(r.descr, text);
    case 3: return put(r.type, i);
    case 4: return put(r.mtu, i);
    case 5: return put(r.speed, n);
    case 6: return put_text(r.mac, hex);
    case 7: return put(r.admin_status, i);
    case 8: return put(r.oper_status, i);
    case 9: return put(r.last_change, n);
    case 10: return put(r.in_octets, n);
    case 11: return put(r.in_ucast, n);
    case 13: return put(r.in_discards, n);
    case 14: return put(r.in_errors, n);
    case 15: return put(r.in_unknown_protos, n);
    case 16: return put(r.out_octets, n);
    case 17: return put(r.out_ucast, n);
    case 19: return put(r.out_discards, n);
    case 20: return put(r.out_errors, n);
    default: return true;
  }
}

bool set_ifx(IfRow& r, int c, const Text& text, const Text& /*hex*/, Int /*i*/, Count n) {
  switch (c) {
    case 1: return put_text(r.name, text);
    case 2: return put(r.in_mcast, n);
    case 3: return put(r.in_bcast, n);
    case 4: return put(r.out_mcast, n);
    case 5: return put(r.out_bcast, n);
    case 6: return put(r.hc_in_octets, n);
    case 7: return put(r.hc_in_ucast, n);
    case 8: return put(r.hc_in_mcast, n);
    case 9: return put(r.hc_in_bcast, n);
    case 10: return put(r.hc_out_octets, n);
    case 11: return put(r.hc_out_ucast, n);
    case 12: return put(r.hc_out_mcast, n);
    case 13: return put(r.hc_out_bcast, n);
    case 15: return put(r.high_speed, n);
    case 18: return put_text(r.alias, text);
    case 19: return put(r.discontinuity, n);
    default: return true;
  }
}

bool set_dot3(IfRow& r, int c, const Text& /*text*/, const Text& /*hex*/, Int i, Count n) {
  switch (c) {
    case 2: return put(r.alignment_errors, n);
    case 3: return put(r.fcs_errors, n);
    case 4: return put(r.single_collisions, n);
    case 5: return put(r.multiple_collisions, n);
    case 8: return put(r.late_collisions, n);
    case 9: return put(r.excessive_collisions, n);
    case 11: return put(r.carrier_sense_errors, n);
    case 13: return put(r.frame_too_longs, n);
    case 18: return put(r.symbol_errors, n);
    case 19: return put(r.duplex, i);
    default: return true;
  }
}

}  // namespace

const std::vector<Table>& tables() {
  static const std::vector<Table> kTables = {
      {"ifTable",
       oids::kIfEntry,
       {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20},
       {2, 3, 4, 6},  // descr, type, MTU, MAC
       false,
       &set_if},
      {"ifXTable",
       oids::kIfXEntry,
       {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18, 19},
       {1, 18},  // name, alias
       true,
       &set_ifx},
      {"dot3StatsTable", oids::kDot3StatsEntry, {2, 3, 4, 5, 8, 9, 19}, {}, false, &set_dot3},
  };
  return kTables;
}

}  // namespace netledger::snmp
