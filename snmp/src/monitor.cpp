// Valid samples, rates, and the rules of SNMP-RULES.md with their hysteresis.
#include "netledger/snmp/monitor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "netledger/core/counted.hpp"

namespace netledger::snmp {

namespace {

constexpr uint64_t kTwo32 = 1ULL << 32;
constexpr double kMaxUnknownSpeed = 100e9;

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

std::string rate_text(double bps) {
  if (bps >= 1e9) return fmt("%.2f Gb/s", bps / 1e9);
  if (bps >= 1e6) return fmt("%.1f Mb/s", bps / 1e6);
  if (bps >= 1e3) return fmt("%.1f kb/s", bps / 1e3);
  return fmt("%.0f b/s", bps);
}

bool is_physical(const IfRow& r) {
  if (!r.type) return false;
  switch (*r.type) {
    case 6:    // ethernetCsmacd
    case 62:   // fastEther
    case 69:   // fastEtherFX
    case 117:  // gigabitEthernet
    case 161:  // ieee8023adLag
      return true;
    default: return false;
  }
}

// The name says the port is Gigabit or faster.
bool gigabit_class(const std::string& name) {
  static const std::regex kPattern(
      R"(^(Gi|GigabitEthernet|Te|TenGig|TenGigabitEthernet|Twe|TwentyFiveGig|Fo|FortyGig|Hu|HundredGig|ge-|xe-|et-|mge-))",
      std::regex::icase | std::regex::optimize);
  return std::regex_search(name, kPattern);
}

uint64_t sum(std::initializer_list<std::optional<uint64_t>> parts) {
  uint64_t s = 0;
  for (const auto& p : parts) s += p.value_or(0);
  return s;
}

// Packets in one direction, 64-bit counters where the agent has them.
uint64_t in_packets(const IfRow& r) {
  if (r.hc_in_ucast) return sum({r.hc_in_ucast, r.hc_in_mcast, r.hc_in_bcast});
  return sum({r.in_ucast, r.in_mcast, r.in_bcast});
}
uint64_t out_packets(const IfRow& r) {
  if (r.hc_out_ucast) return sum({r.hc_out_ucast, r.hc_out_mcast, r.hc_out_bcast});
  return sum({r.out_ucast, r.out_mcast, r.out_bcast});
}

struct Ctx {
  const Target& target;
  DeviceCycle& cycle;
  int64_t now_s;
};

// Applies one sample's verdict on a rule: raise after `need` consecutive hits, clear
// after 2 clean samples; emits a finding when it opens, while it stays open, and when
// it clears.
void judge(Ctx& c, std::map<std::string, RuleState>& rules, const std::string& id, bool hit, Severity sev,
           int need, uint32_t if_index, const std::string& port, const std::string& evidence,
           const std::string& explanation) {
  RuleState& r = rules[id];
  if (hit) {
    ++r.hits;
    r.clean = 0;
    if (r.hits >= need) {
      r.open = true;
      r.severity = sev;
    }
  } else {
    r.hits = 0;
    ++r.clean;
  }
  Finding f;
  f.rule = id;
  f.device = c.target.name;
  f.if_index = if_index;
  f.port = port;
  f.seen_s = c.now_s;
  f.severity = r.severity;
  if (r.open && hit) {
    f.evidence = evidence;
    f.explanation = explanation;
    c.cycle.findings.push_back(std::move(f));
  } else if (r.open && r.clean >= 2) {
    r.open = false;
    f.cleared = true;
    f.evidence = "condition gone for 2 samples";
    c.cycle.findings.push_back(std::move(f));
  }
  if (!r.open && r.hits == 0 && r.clean >= 2) rules.erase(id);
}

// A one-off event (reboot, discontinuity): reported once, closed at the next sample.
void event(Ctx& c, std::map<std::string, RuleState>& rules, const std::string& id, bool happened,
           uint32_t if_index, const std::string& port, const std::string& evidence,
           const std::string& explanation) {
  RuleState& r = rules[id];
  Finding f;
  f.rule = id;
  f.device = c.target.name;
  f.if_index = if_index;
  f.port = port;
  f.seen_s = c.now_s;
  f.severity = Severity::kInfo;
  if (happened) {
    r.open = true;
    r.severity = Severity::kInfo;
    f.evidence = evidence;
    f.explanation = explanation;
    c.cycle.findings.push_back(std::move(f));
  } else if (r.open) {
    r.open = false;
    f.cleared = true;
    f.evidence = "one-off event";
    c.cycle.findings.push_back(std::move(f));
  }
  if (!r.open) rules.erase(id);
}

// Δ of a counter of `width` bits; nullopt when it cannot be trusted.
std::optional<uint64_t> delta(uint64_t now, uint64_t prev, int width, double dt, uint64_t max_per_s) {
  if (now >= prev) return now - prev;
  if (width != 32) return std::nullopt;            // Counter64 going back: a reset
  uint64_t d = static_cast<uint32_t>(now - prev);  // one wrap, exactly
  if (max_per_s > 0 && static_cast<double>(d) > static_cast<double>(max_per_s) * dt) return std::nullopt;
  return d;
}

struct PortResult {
  bool valid = false;
  IfRate rate;
  uint64_t d_in_pkts = 0, d_out_pkts = 0, d_in_err = 0, d_out_err = 0, d_in_disc = 0, d_out_disc = 0;
  uint64_t d_fcs_align = 0, d_late = 0, d_coll = 0;
  bool dot3 = false;
};

void evaluate_port(Ctx& c, const IfRow& r, PortMemory& m, bool device_reset, double interval_s,
                   int64_t mono_ms) {
  const Target& t = c.target;
  const std::string port = !r.name.empty() ? r.name : r.descr;
  const Thresholds& th = [&]() -> const Thresholds& {
    auto it = t.port_thresholds.find(r.name);
    if (it == t.port_thresholds.end()) it = t.port_thresholds.find(std::to_string(r.if_index));
    return it != t.port_thresholds.end() ? it->second : t.thresholds;
  }();
  const uint64_t speed = r.speed_bps();
  const bool admin_up = r.admin_status.value_or(0) == 1;
  const int64_t oper = r.oper_status.value_or(0);
  const bool up = oper == 1;
  const int width = r.octet_width();

  // Is the previous sample comparable?
  bool renamed = m.has_sample && (m.name != r.name || m.descr != r.descr);
  bool discontinuity = m.has_sample && r.discontinuity && *r.discontinuity != m.discontinuity;
  bool c64_back = false;
  PortResult pr;
  if (m.has_sample && !device_reset && !renamed && !discontinuity && width != 0 && width == m.width) {
    double dt = static_cast<double>(mono_ms - m.mono_ms) / 1000.0;
    bool dt_ok = dt > 0 && dt >= 0.5 * interval_s && dt <= 3.0 * interval_s;
    if (dt_ok) {
      const uint64_t max_bytes_ps =
          speed > 0 ? static_cast<uint64_t>(static_cast<double>(speed) * 1.05 / 8) : 0;
      auto din = delta(*r.in_octets_used(), m.in_octets, width, dt, max_bytes_ps);
      auto dout = delta(*r.out_octets_used(), m.out_octets, width, dt, max_bytes_ps);
      c64_back = width == 64 && (*r.in_octets_used() < m.in_octets || *r.out_octets_used() < m.out_octets);
      if (din && dout) {
        double in_bps = static_cast<double>(*din) * 8 / dt;
        double out_bps = static_cast<double>(*dout) * 8 / dt;
        double limit = speed > 0 ? static_cast<double>(speed) * 1.05 : kMaxUnknownSpeed;
        if (in_bps <= limit && out_bps <= limit) {
          pr.valid = true;
          IfRate& rt = pr.rate;
          rt.if_index = r.if_index;
          rt.at_s = c.now_s;
          rt.interval_s = dt;
          rt.in_bps = in_bps;
          rt.out_bps = out_bps;
          rt.width = width;
          const int pw = r.hc_in_ucast ? 64 : 32;
          pr.d_in_pkts = delta(in_packets(r), m.in_packets, pw, dt, 0).value_or(0);
          pr.d_out_pkts = delta(out_packets(r), m.out_packets, pw, dt, 0).value_or(0);
          pr.d_in_err = delta(r.in_errors.value_or(0), m.in_errors, 32, dt, 0).value_or(0);
          pr.d_out_err = delta(r.out_errors.value_or(0), m.out_errors, 32, dt, 0).value_or(0);
          pr.d_in_disc = delta(r.in_discards.value_or(0), m.in_discards, 32, dt, 0).value_or(0);
          pr.d_out_disc = delta(r.out_discards.value_or(0), m.out_discards, 32, dt, 0).value_or(0);
          rt.in_pps = static_cast<double>(pr.d_in_pkts) / dt;
          rt.out_pps = static_cast<double>(pr.d_out_pkts) / dt;
          rt.in_errors_ps = static_cast<double>(pr.d_in_err) / dt;
          rt.out_errors_ps = static_cast<double>(pr.d_out_err) / dt;
          rt.in_discards_ps = static_cast<double>(pr.d_in_disc) / dt;
          rt.out_discards_ps = static_cast<double>(pr.d_out_disc) / dt;
          rt.utilisation = speed > 0 ? std::max(in_bps, out_bps) / static_cast<double>(speed) : -1;
          if (m.has_dot3 && r.fcs_errors) {
            pr.dot3 = true;
            pr.d_fcs_align =
                delta(sum({r.fcs_errors, r.alignment_errors}), m.fcs + m.alignment, 32, dt, 0).value_or(0);
            pr.d_late = delta(r.late_collisions.value_or(0), m.late_collisions, 32, dt, 0).value_or(0);
            pr.d_coll = delta(sum({r.single_collisions, r.multiple_collisions, r.late_collisions,
                                   r.excessive_collisions}),
                              m.collisions, 32, dt, 0)
                            .value_or(0);
          }
          c.cycle.rates.push_back(rt);
        }
      }
    }
  }

  // Link transitions: a state change, or ifLastChange moving with the same state
  // (the link went down and up between two polls).
  if (m.has_sample || m.oper != 0) {
    if (oper != m.oper && m.oper != 0) {
      m.transitions.push_back(c.now_s);
    } else if (r.last_change && m.last_change != 0 && *r.last_change > m.last_change && !device_reset) {
      m.transitions.push_back(c.now_s);
      m.transitions.push_back(c.now_s);
    }
  }
  std::erase_if(m.transitions, [&](int64_t ts) { return ts < c.now_s - 3600; });

  if (admin_up) {
    // ST1
    bool down = oper == 2 || oper == 7;
    bool critical =
        t.critical_ports.count(r.name) != 0 || t.critical_ports.count(std::to_string(r.if_index)) != 0;
    bool must = t.must_be_up.count(r.name) != 0 || t.must_be_up.count(std::to_string(r.if_index)) != 0;
    if (r.oper_status) {
      judge(c, m.rules, "ST1", down && (m.was_up || must || critical),
            critical ? Severity::kCrit : Severity::kWarn, 1, r.if_index, port,
            "ifAdminStatus up, ifOperStatus " + std::string(oper == 7 ? "lowerLayerDown" : "down"),
            "Port " + port + " is enabled but its link is down.");
    }
    // FL1
    int in30 = static_cast<int>(std::count_if(m.transitions.begin(), m.transitions.end(),
                                              [&](int64_t ts) { return ts >= c.now_s - 1800; }));
    int in60 = static_cast<int>(m.transitions.size());
    bool flap_crit = in60 >= th.flaps_crit;
    bool flapping = in30 >= th.flaps_warn || flap_crit;
    judge(c, m.rules, "FL1", flapping, flap_crit ? Severity::kCrit : Severity::kWarn, 1, r.if_index, port,
          counted(in30, "link transition", "link transitions") + " in 30 min, " + std::to_string(in60) +
              " in 60 min",
          "Port " + port + " is flapping: check the cable, the optics and the peer.");
    // SP1, SP2
    if (up && speed > 0) {
      judge(
          c, m.rules, "SP1", m.max_speed > speed, Severity::kWarn, 1, r.if_index, port,
          "speed " + rate_text(static_cast<double>(speed)) + ", earlier " +
              rate_text(static_cast<double>(m.max_speed)),
          "Port " + port + " runs slower than it used to: auto-negotiation fell back or the cable degraded.");
      bool slow = speed == 10'000'000 || speed == 100'000'000;
      judge(c, m.rules, "SP2", slow && gigabit_class(port), Severity::kWarn, 1, r.if_index, port,
            "speed " + rate_text(static_cast<double>(speed)) + " on a port named " + port,
            "Port " + port + " is a Gigabit-class port negotiated at " +
                rate_text(static_cast<double>(speed)) + ": auto-negotiation or cabling problem.");
    }
    // DX1, DX2, DX3, DX4 on up Ethernet ports.
    if (up && is_physical(r) && r.duplex) {
      bool half = *r.duplex == 2;
      judge(c, m.rules, "DX1", half && speed >= 100'000'000, Severity::kWarn, 1, r.if_index, port,
            "dot3StatsDuplexStatus halfDuplex at " + rate_text(static_cast<double>(speed)),
            "Port " + port + " runs half duplex at " + rate_text(static_cast<double>(speed)) + ".");
      if (pr.dot3) {
        judge(c, m.rules, "DX2", half && pr.d_late > 0, Severity::kCrit, 1, r.if_index, port,
              "half duplex, " + counted(pr.d_late, "late collision", "late collisions") + " this interval",
              "Likely duplex mismatch (peer full duplex) or cable too long on " + port + ".");
        bool full = *r.duplex == 3;
        double ratio =
            pr.d_in_pkts > 0 ? static_cast<double>(pr.d_fcs_align) / static_cast<double>(pr.d_in_pkts) : 0;
        bool dx3 = full && speed > 0 && speed <= 100'000'000 && pr.d_fcs_align >= th.fcs_count &&
                   ratio >= th.fcs_ratio && pr.d_coll == 0;
        judge(c, m.rules, "DX3", dx3, Severity::kWarn, 2, r.if_index, port,
              counted(pr.d_fcs_align, "FCS+alignment error", "FCS+alignment errors") + " in " +
                  counted(pr.d_in_pkts, "packet", "packets") + " (" + fmt("%.3f%%", ratio * 100) +
                  "), no collisions, full duplex",
              "CRC/alignment errors on a full-duplex 10/100 link on " + port +
                  ": peer may be half duplex, or bad cable.");
        judge(c, m.rules, "DX4", full && pr.d_coll > 0, Severity::kWarn, 1, r.if_index, port,
              counted(pr.d_coll, "collision", "collisions") + " while full duplex",
              "Collision counters rise on full-duplex port " + port +
                  " (impossible per RFC 3635): duplex is misreported or mismatched.");
      }
    }
    // CT1: 32-bit counters only on a fast port.
    if (speed > 20'000'000 && !r.hc_in_octets && r.in_octets) {
      double wrap_s = static_cast<double>(kTwo32) * 8 / static_cast<double>(speed);
      bool too_slow = static_cast<double>(t.interval_s) > wrap_s;
      judge(c, m.rules, "CT1", true, too_slow ? Severity::kWarn : Severity::kInfo, 1, r.if_index, port,
            "no 64-bit octet counters at " + rate_text(static_cast<double>(speed)) + "; one wrap every " +
                fmt("%.0f s", wrap_s),
            "Port " + port + " has only 32-bit counters" +
                (too_slow ? std::string(", which can wrap more than once between polls: rates may be missed.")
                          : std::string(".")));
    }
    if (pr.valid) {
      const IfRate& rt = pr.rate;
      // UT1 with a 3-point clearing band.
      if (rt.utilisation >= 0) {
        RuleState& ut = m.rules["UT1"];
        double warn = th.utilisation_warn;
        bool hit = rt.utilisation >= warn || (ut.open && rt.utilisation >= warn - 0.03);
        Severity sev = rt.utilisation >= th.utilisation_crit ? Severity::kCrit : Severity::kWarn;
        judge(c, m.rules, "UT1", hit, sev, 2, r.if_index, port,
              "in " + rate_text(rt.in_bps) + ", out " + rate_text(rt.out_bps) + " of " +
                  rate_text(static_cast<double>(speed)) + " (" + fmt("%.1f%%", rt.utilisation * 100) + ")",
              "Port " + port + " is saturated.");
      }
      // ER1 per direction, DI1.
      auto ratio = [](uint64_t bad, uint64_t pkts, uint64_t other) {
        uint64_t total = pkts + bad + other;
        return total > 0 ? static_cast<double>(bad) / static_cast<double>(total) : 0.0;
      };
      double rin = ratio(pr.d_in_err, pr.d_in_pkts, pr.d_in_disc);
      double rout = ratio(pr.d_out_err, pr.d_out_pkts, pr.d_out_disc);
      uint64_t err = std::max(pr.d_in_err, pr.d_out_err);
      double worst = std::max(rin, rout);
      bool er_crit = (rin >= th.error_ratio_crit && pr.d_in_err >= th.error_count_crit) ||
                     (rout >= th.error_ratio_crit && pr.d_out_err >= th.error_count_crit);
      bool er_warn = (rin >= th.error_ratio_warn && pr.d_in_err >= th.error_count_warn) ||
                     (rout >= th.error_ratio_warn && pr.d_out_err >= th.error_count_warn);
      double eps = std::max(rt.in_errors_ps, rt.out_errors_ps);
      if (eps > th.error_rate_ps) {
        if (m.errors_high_since == 0) m.errors_high_since = m.wall_s > 0 ? m.wall_s : c.now_s;
      } else {
        m.errors_high_since = 0;
      }
      bool sustained = m.errors_high_since != 0 && c.now_s - m.errors_high_since >= 300;
      judge(c, m.rules, "ER1", er_warn || er_crit || sustained, er_crit ? Severity::kCrit : Severity::kWarn,
            2, r.if_index, port,
            "in " + counted(pr.d_in_err, "error", "errors") + " (" + fmt("%.4f%%", rin * 100) + "), out " +
                counted(pr.d_out_err, "error", "errors") + " (" + fmt("%.4f%%", rout * 100) + "), " +
                fmt("%.1f/s", eps),
            "Port " + port + " has a high error rate (" + fmt("%.3f%%", worst * 100) + ", " +
                counted(err, "error", "errors") + "): check the cable, optics and duplex.");
      double din = ratio(pr.d_in_disc, pr.d_in_pkts, pr.d_in_err);
      double dout = ratio(pr.d_out_disc, pr.d_out_pkts, pr.d_out_err);
      bool congested = rt.utilisation >= 0.80;  // out-discards at high load are congestion
      if (congested) dout = 0;
      bool di_crit = (din >= th.discard_ratio_crit && pr.d_in_disc >= th.discard_count_warn) ||
                     (dout >= th.discard_ratio_crit && pr.d_out_disc >= th.discard_count_warn);
      bool di_warn = (din >= th.discard_ratio_warn && pr.d_in_disc >= th.discard_count_warn) ||
                     (dout >= th.discard_ratio_warn && pr.d_out_disc >= th.discard_count_warn);
      judge(c, m.rules, "DI1", di_warn || di_crit, di_crit ? Severity::kCrit : Severity::kWarn, 2, r.if_index,
            port,
            "in " + counted(pr.d_in_disc, "discard", "discards") + " (" + fmt("%.2f%%", din * 100) +
                "), out " + counted(pr.d_out_disc, "discard", "discards") + " (" + fmt("%.2f%%", dout * 100) +
                ")",
            "Port " + port +
                " discards packets without load to explain it: check buffers, QoS and VLAN config.");
    }
  }
  // CT2: a port's counters jumped (discontinuity time, a Counter64 going back).
  event(c, m.rules, "CT2", discontinuity || c64_back, r.if_index, port,
        discontinuity ? "ifCounterDiscontinuityTime changed" : "a 64-bit octet counter went backwards",
        "The counters of " + port + " were reset; that interval's rates were dropped.");

  // Remember this sample.
  if (width != 0) {
    m.has_sample = true;
    m.mono_ms = mono_ms;
    m.wall_s = c.now_s;
    m.width = width;
    m.in_octets = *r.in_octets_used();
    m.out_octets = *r.out_octets_used();
  } else {
    m.has_sample = false;
  }
  m.in_packets = in_packets(r);
  m.out_packets = out_packets(r);
  m.in_errors = r.in_errors.value_or(0);
  m.out_errors = r.out_errors.value_or(0);
  m.in_discards = r.in_discards.value_or(0);
  m.out_discards = r.out_discards.value_or(0);
  m.has_dot3 = r.fcs_errors.has_value();
  m.fcs = r.fcs_errors.value_or(0);
  m.alignment = r.alignment_errors.value_or(0);
  m.late_collisions = r.late_collisions.value_or(0);
  m.collisions = sum({r.single_collisions, r.multiple_collisions, r.late_collisions, r.excessive_collisions});
  m.discontinuity = r.discontinuity.value_or(0);
  m.last_change = r.last_change.value_or(0);
  m.oper = oper;
  m.name = r.name;
  m.descr = r.descr;
  if (up) {
    m.was_up = true;
    m.max_speed = std::max(m.max_speed, speed);
  }
}

}  // namespace

DeviceCycle evaluate(const Target& target, DevicePoll poll, const Memory& memory) {
  DeviceCycle cycle;
  cycle.poll = std::move(poll);
  const DevicePoll& p = cycle.poll;
  Ctx c{target, cycle, p.polled_s};
  DeviceMemory dm = DeviceMemory::parse(memory.device);

  // DV2: unreachable for the configured time.
  if (dm.last_ok_s == 0 && !p.reachable) dm.last_ok_s = p.polled_s;  // the first try counts from now
  if (p.reachable) dm.last_ok_s = p.polled_s;
  int64_t silent = p.polled_s - dm.last_ok_s;
  judge(c, dm.rules, "DV2", !p.reachable && silent >= target.thresholds.unreachable_s, Severity::kCrit, 1, 0,
        "", "no valid response for " + std::to_string(silent) + " s: " + p.error,
        "Device " + target.name + " is unreachable.");
  if (!p.reachable) {
    cycle.device_memory = dm.serialize();
    cycle.memory = memory.ports;  // nothing new about the ports
    return cycle;
  }
  // DV1: reboot (uptime going back, or more engine boots).
  auto uptime = p.info.uptime_s();
  bool reset = false;
  if (dm.has_sample && uptime) {
    reset = *uptime + 1 < dm.uptime_s ||
            (p.info.engine_boots && *p.info.engine_boots > dm.boots && dm.boots != 0);
  }
  event(c, dm.rules, "DV1", reset, 0, "",
        "uptime " + std::to_string(uptime.value_or(0)) + " s, earlier " + std::to_string(dm.uptime_s) + " s",
        "Device " + target.name + " restarted; rates across the restart were dropped.");
  if (uptime) {
    dm.has_sample = true;
    dm.uptime_s = *uptime;
    dm.boots = p.info.engine_boots.value_or(0);
    dm.mono_ms = p.mono_ms;
  }
  for (const auto& [index, row] : p.interfaces) {
    auto it = memory.ports.find(index);
    PortMemory pm = it != memory.ports.end() ? PortMemory::parse(it->second) : PortMemory{};
    evaluate_port(c, row, pm, reset, static_cast<double>(target.interval_s), p.mono_ms);
    cycle.memory[index] = pm.serialize();
  }
  cycle.device_memory = dm.serialize();
  return cycle;
}

}  // namespace netledger::snmp
