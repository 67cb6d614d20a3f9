// PortMemory and DeviceMemory as one line of "key=value" words, so the store can keep
// them as text it does not need to understand.
#include <algorithm>
#include <sstream>
#include <vector>

#include "netledger/core/time_format.hpp"
#include "netledger/snmp/monitor.hpp"

namespace netledger::snmp {

namespace {

uint64_t u64(const std::string& v) {
  return std::strtoull(v.c_str(), nullptr, 10);
}
int64_t i64(const std::string& v) {
  return std::strtoll(v.c_str(), nullptr, 10);  // saturates past 64 bits
}
// The memory's times, held where arithmetic on them cannot overflow: wall clock times to
// the calendar, the monotonic clock's milliseconds to zero and up (as netledger writes
// them; a file edited by hand may hold anything).
int64_t wall(const std::string& v) {
  return within_calendar(i64(v));
}
int64_t mono(const std::string& v) {
  return std::clamp<int64_t>(i64(v), 0, kLastTimeS * 1000);
}

// What a word cannot hold as it is: the whitespace that splits words (a tab in an ifDescr
// too), the other control bytes, and the escape and key characters themselves.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f || c == '%' || c == '=') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

// "%XX" back to its byte; a '%' not followed by two hex digits (text edited by hand) stays.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) && hex_digit(s[i + 2])) {
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

// A count of samples in a row: netledger's stay small; one edited by hand is held to a
// million, so counting on from it cannot overflow.
int sample_count(const std::string& v) {
  return static_cast<int>(std::clamp<int64_t>(i64(v), 0, 1'000'000));
}

bool get_rule(const std::string& key, const std::string& value, std::map<std::string, RuleState>& rules) {
  if (key.rfind("rule.", 0) != 0) return false;
  std::vector<std::string> f;
  std::istringstream in(value);
  for (std::string part; std::getline(in, part, ',');) f.push_back(part);
  if (f.size() == 4) {
    RuleState r;
    r.hits = sample_count(f[0]);
    r.clean = sample_count(f[1]);
    r.open = i64(f[2]) != 0;
    r.severity =
        static_cast<Severity>(std::clamp<int64_t>(i64(f[3]), 0, static_cast<int64_t>(Severity::kCrit)));
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
    if (k == "mono") m.has_sample = true, m.mono_ms = mono(v);
    if (k == "wall") m.wall_s = wall(v);
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
    if (k == "errsince") m.errors_high_since = wall(v);
    if (k == "name") m.name = unescape(v);
    if (k == "descr") m.descr = unescape(v);
    if (k == "flaps") {
      std::istringstream in(v);
      std::string t;
      while (std::getline(in, t, ',')) m.transitions.push_back(wall(t));
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
    if (k == "mono") m.mono_ms = mono(v);
    if (k == "ok") m.last_ok_s = wall(v);
  });
  return m;
}

}  // namespace netledger::snmp
