// PortMemory and DeviceMemory as one line of "key=value" words, so the store can keep
// them as text it does not need to understand.
#include <sstream>

#include "netledger/snmp/monitor.hpp"

namespace netledger::snmp {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '%' || c == '=' || c == '\n') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void put_rules(std::ostringstream& o, const std::map<std::string, RuleState>& rules) {
  for (const auto& [id, r] : rules) {
    if (r.hits == 0 && r.clean == 0 && !r.open) continue;
    o << " rule." << id << "=" << r.hits << "," << r.clean << "," << (r.open ? 1 : 0) << ","
      << static_cast<int>(r.severity);
  }
}

bool get_rule(const std::string& key, const std::string& value, std::map<std::string, RuleState>& rules) {
  if (key.rfind("rule.", 0) != 0) return false;
  RuleState r;
  int open = 0;
  int sev = 0;
  if (std::sscanf(value.c_str(), "%d,%d,%d,%d", &r.hits, &r.clean, &open, &sev) == 4) {
    r.open = open != 0;
    r.severity = static_cast<Severity>(sev);
    rules[key.substr(5)] = r;
  }
  return true;
}

template <class F>
void each_word(const std::string& text, F f) {
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    f(word.substr(0, eq), word.substr(eq + 1));
  }
}

uint64_t u64(const std::string& v) {
  return std::strtoull(v.c_str(), nullptr, 10);
}
int64_t i64(const std::string& v) {
  return std::strtoll(v.c_str(), nullptr, 10);
}

}  // namespace

std::string PortMemory::serialize() const {
  std::ostringstream o;
  o << "v=1";
  if (has_sample) {
    o << " mono=" << mono_ms << " wall=" << wall_s << " width=" << width << " in=" << in_octets
      << " out=" << out_octets << " inp=" << in_packets << " outp=" << out_packets << " ine=" << in_errors
      << " oute=" << out_errors << " ind=" << in_discards << " outd=" << out_discards
      << " disc=" << discontinuity;
    if (has_dot3)
      o << " fcs=" << fcs << " align=" << alignment << " late=" << late_collisions << " coll=" << collisions;
  }
  o << " lc=" << last_change << " oper=" << oper << " up=" << (was_up ? 1 : 0) << " maxspeed=" << max_speed
    << " errsince=" << errors_high_since << " name=" << escape(name) << " descr=" << escape(descr);
  if (!transitions.empty()) {
    o << " flaps=";
    for (size_t i = 0; i < transitions.size(); ++i) o << (i ? "," : "") << transitions[i];
  }
  put_rules(o, rules);
  return o.str();
}

PortMemory PortMemory::parse(const std::string& text) {
  PortMemory m;
  each_word(text, [&](const std::string& k, const std::string& v) {
    if (get_rule(k, v, m.rules)) return;
    if (k == "mono") m.has_sample = true, m.mono_ms = i64(v);
    if (k == "wall") m.wall_s = i64(v);
    if (k == "width") m.width = static_cast<int>(i64(v));
    if (k == "in") m.in_octets = u64(v);
    if (k == "out") m.out_octets = u64(v);
    if (k == "inp") m.in_packets = u64(v);
    if (k == "outp") m.out_packets = u64(v);
    if (k == "ine") m.in_errors = u64(v);
    if (k == "oute") m.out_errors = u64(v);
    if (k == "ind") m.in_discards = u64(v);
    if (k == "outd") m.out_discards = u64(v);
    if (k == "disc") m.discontinuity = u64(v);
    if (k == "fcs") m.has_dot3 = true, m.fcs = u64(v);
    if (k == "align") m.alignment = u64(v);
    if (k == "late") m.late_collisions = u64(v);
    if (k == "coll") m.collisions = u64(v);
    if (k == "lc") m.last_change = u64(v);
    if (k == "oper") m.oper = i64(v);
    if (k == "up") m.was_up = v == "1";
    if (k == "maxspeed") m.max_speed = u64(v);
    if (k == "errsince") m.errors_high_since = i64(v);
    if (k == "name") m.name = unescape(v);
    if (k == "descr") m.descr = unescape(v);
    if (k == "flaps") {
      std::istringstream in(v);
      std::string t;
      while (std::getline(in, t, ',')) m.transitions.push_back(i64(t));
    }
  });
  return m;
}

std::string DeviceMemory::serialize() const {
  std::ostringstream o;
  o << "v=1";
  if (has_sample) o << " uptime=" << uptime_s << " boots=" << boots << " mono=" << mono_ms;
  o << " ok=" << last_ok_s;
  put_rules(o, rules);
  return o.str();
}

DeviceMemory DeviceMemory::parse(const std::string& text) {
  DeviceMemory m;
  each_word(text, [&](const std::string& k, const std::string& v) {
    if (get_rule(k, v, m.rules)) return;
    if (k == "uptime") m.has_sample = true, m.uptime_s = u64(v);
    if (k == "boots") m.boots = u64(v);
    if (k == "mono") m.mono_ms = i64(v);
    if (k == "ok") m.last_ok_s = i64(v);
  });
  return m;
}

}  // namespace netledger::snmp
