#include "netledger/snmp/inventory.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <type_traits>
#include <variant>

namespace netledger::snmp {

namespace {

Error bad(const std::string& path, const std::string& where, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, path + ": " + where + ": " + what);
}

constexpr const char* kNotText = " must be text in quotes";

// A secret from `key`, or from the environment variable named by `key_env` (empty
// when that variable is unset; the caller says which secret is missing). Returns what is
// wrong with the keys, or "".
std::string secret(const toml::table& dev, const toml::table* defaults, const std::string& key,
                   std::string& out) {
  std::string wrong;
  auto look = [&](const toml::table* t) -> bool {
    if (t == nullptr) return false;
    if (auto v = (*t)[key]) {
      if (auto text = v.value<std::string>())
        out = *text;
      else
        wrong = key + kNotText;
      return true;
    }
    if (auto v = (*t)[key + "_env"]) {
      auto env = v.value<std::string>();
      if (!env) {
        wrong = key + "_env" + kNotText;
        return true;
      }
      const char* value = std::getenv(env->c_str());
      out = value != nullptr ? value : "";  // unset: checked below
      return true;
    }
    return false;
  };
  if (!look(&dev)) look(defaults);
  return wrong;
}

// The values a number in the file may take, and how an error states them; the value kept
// is the value written over `per` (percentages are kept as fractions).
struct Range {
  double lo;
  double hi;
  bool whole;
  const char* says;
  double per = 1;
};

constexpr Range kPercent{0, 100, false, "a percentage from 0 to 100", 100};
constexpr Range kPerSecond{0, 1e12, false, "a rate per second from 0 to 1e12"};
constexpr Range kCount{0, 1e12, true, "a whole number from 0 to 1000000000000"};
constexpr Range kFlaps{0, 1e6, true, "a whole number from 0 to 1000000"};
constexpr Range kSeconds{0, 1e9, true, "a number of seconds from 0 to 1000000000"};

struct ThresholdKey {
  const char* name;
  const Range& range;
  std::variant<double Thresholds::*, uint64_t Thresholds::*, int Thresholds::*, int64_t Thresholds::*> field;
};

constexpr ThresholdKey kThresholdKeys[] = {
    {"utilisation_warn", kPercent, &Thresholds::utilisation_warn},
    {"utilisation_crit", kPercent, &Thresholds::utilisation_crit},
    {"error_ratio_warn", kPercent, &Thresholds::error_ratio_warn},
    {"error_ratio_crit", kPercent, &Thresholds::error_ratio_crit},
    {"error_count_warn", kCount, &Thresholds::error_count_warn},
    {"error_count_crit", kCount, &Thresholds::error_count_crit},
    {"error_rate_ps", kPerSecond, &Thresholds::error_rate_ps},
    {"discard_ratio_warn", kPercent, &Thresholds::discard_ratio_warn},
    {"discard_ratio_crit", kPercent, &Thresholds::discard_ratio_crit},
    {"discard_count_warn", kCount, &Thresholds::discard_count_warn},
    {"flaps_warn", kFlaps, &Thresholds::flaps_warn},
    {"flaps_crit", kFlaps, &Thresholds::flaps_crit},
    {"fcs_ratio", kPercent, &Thresholds::fcs_ratio},
    {"fcs_count", kCount, &Thresholds::fcs_count},
    {"unreachable_s", kSeconds, &Thresholds::unreachable_s},
};

// The number `node` holds when it is within `r`: text, TOML's nan and inf, and values
// past what the field holds are refused, not cast.
std::optional<double> number_in(const toml::node& node, const Range& r) {
  std::optional<double> v = node.value<double>();
  if (!v || !(*v >= r.lo && *v <= r.hi)) return std::nullopt;
  if (r.whole && std::floor(*v) != *v) return std::nullopt;
  return v;
}

Status thresholds(const toml::table& t, Thresholds& th, const std::string& path, const std::string& where) {
  for (const auto& [k, node] : t) {
    const std::string_view key = k.str();
    if (key == "critical" || key == "must_be_up") continue;
    const ThresholdKey* found = nullptr;
    for (const ThresholdKey& tk : kThresholdKeys) {
      if (key == tk.name) found = &tk;
    }
    if (found == nullptr) return bad(path, where, "unknown threshold '" + std::string(key) + "'");
    std::optional<double> v = number_in(node, found->range);
    if (!v) return bad(path, where, std::string(key) + " must be " + found->range.says);
    const double value = *v / found->range.per;
    std::visit(
        [&](auto member) {
          using Field = std::remove_reference_t<decltype(th.*member)>;
          th.*member = static_cast<Field>(value);
        },
        found->field);
  }
  return {};
}

}  // namespace

Status parse_address(const std::string& text, Target& t) {
  std::string host = text;
  std::string port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string::npos)
      return make_error(ErrorCode::kInvalidArgument, "'" + text + "': missing ]");
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    port = host.substr(host.find(':') + 1);
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "'" + text + "': no host");
  t.host = host;
  if (!port.empty()) {
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p < 1 || p > 65535) {
      return make_error(ErrorCode::kInvalidArgument, "'" + text + "': bad port '" + port + "'");
    }
    t.port = static_cast<uint16_t>(p);
  }
  return {};
}

namespace {

Error parse_failure(const std::string& path, const toml::parse_error& e) {
  const auto& where = e.source().begin;
  return make_error(ErrorCode::kFormat, path + ":" + std::to_string(where.line) + ":" +
                                            std::to_string(where.column) + ": " +
                                            std::string(e.description()));
}

Result<std::vector<Target>> targets_of(const toml::table& root, const std::string& path) {
  const toml::table* defaults = root["defaults"].as_table();
  const toml::table* devices = root["devices"].as_table();
  if (devices == nullptr || devices->empty()) return bad(path, "[devices]", "no device in the file");
  std::vector<Target> out;
  for (const auto& [name_key, node] : *devices) {
    const std::string name(name_key.str());
    const std::string where = "device '" + name + "'";
    const toml::table* dev = node.as_table();
    if (dev == nullptr) return bad(path, where, "must be a table ([devices." + name + "])");
    auto get = [&](const std::string& key) -> toml::node_view<const toml::node> {
      auto v = (*dev)[key];
      if (v || defaults == nullptr) return v;
      return (*defaults)[key];
    };
    Target t;
    t.name = name;
    if (!get("address")) return bad(path, where, "address is missing");
    auto address = get("address").value<std::string>();
    if (!address) return bad(path, where, std::string("address") + kNotText);
    if (Status s = parse_address(*address, t); !s.ok()) return bad(path, where, s.error().message);
    // Numbers within the ranges poll's options take, and text where text goes; the first
    // value that is neither is the error (none falls back to a default unseen).
    std::string wrong;
    auto text = [&](const char* key, const std::string& fallback) {
      auto v = get(key);
      if (!v) return fallback;
      if (auto s = v.value<std::string>()) return *s;
      if (wrong.empty()) wrong = key + std::string(kNotText);
      return fallback;
    };
    auto number = [&](const char* key, const Range& r, double fallback) {
      auto v = get(key);
      if (!v) return fallback;
      if (auto n = number_in(*v.node(), r)) return *n;
      if (wrong.empty()) wrong = std::string(key) + " must be " + r.says;
      return fallback;
    };
    t.port =
        static_cast<uint16_t>(number("port", {1, 65535, true, "a whole number from 1 to 65535"}, t.port));
    // Text ("2c") or a whole number (3); anything else, a float too (which toml++ would
    // cast to an integer unchecked), is no version.
    std::string version = "2c";
    if (auto v = get("version"); v.is_string())
      version = *v.value<std::string>();
    else if (v.is_integer())
      version = std::to_string(*v.value<int64_t>());
    else if (v)
      version.clear();
    if (version == "1")
      t.version = 1;
    else if (version == "2c" || version == "2")
      t.version = 2;
    else if (version == "3")
      t.version = 3;
    else
      return bad(path, where, "version must be 1, 2c or 3");
    t.user = text("user", "");
    t.level = text("level", t.level);
    t.auth_protocol = text("auth_protocol", t.auth_protocol);
    t.priv_protocol = text("priv_protocol", t.priv_protocol);
    t.context = text("context", "");
    t.timeout_s = number("timeout", {0.01, 600, false, "a number of seconds from 0.01 to 600"}, t.timeout_s);
    t.retries = static_cast<int>(number("retries", {0, 20, true, "a whole number from 0 to 20"}, t.retries));
    t.interval_s =
        static_cast<int64_t>(number("interval", {1, 86400, true, "a whole number of seconds from 1 to 86400"},
                                    static_cast<double>(t.interval_s)));
    for (const auto& [key, field] :
         {std::pair{"community", &t.community}, std::pair{"auth_password", &t.auth_password},
          std::pair{"priv_password", &t.priv_password}}) {
      std::string problem = secret(*dev, defaults, key, *field);
      if (wrong.empty()) wrong = std::move(problem);
    }
    if (!wrong.empty()) return bad(path, where, wrong);
    if (t.version == 3) {
      if (t.user.empty()) return bad(path, where, "SNMPv3 needs a user");
      if (t.level != "noAuthNoPriv" && t.level != "authNoPriv" && t.level != "authPriv") {
        return bad(path, where, "level must be noAuthNoPriv, authNoPriv or authPriv");
      }
      if (t.level != "noAuthNoPriv" && t.auth_password.empty()) {
        return bad(path, where,
                   "no authentication password (auth_password, or auth_password_env naming a set variable)");
      }
      if (t.level == "authPriv" && t.priv_password.empty()) {
        return bad(path, where,
                   "no privacy password (priv_password, or priv_password_env naming a set variable)");
      }
    }
    if (t.version != 3 && t.community.empty()) {
      return bad(path, where, "no community (community, or community_env naming a set variable)");
    }
    if (defaults != nullptr) {
      if (const toml::table* th = (*defaults)["thresholds"].as_table()) {
        if (Status s = thresholds(*th, t.thresholds, path, "[defaults.thresholds]"); !s.ok())
          return s.error();
      }
    }
    if (const toml::table* th = (*dev)["thresholds"].as_table()) {
      if (Status s = thresholds(*th, t.thresholds, path, where + " thresholds"); !s.ok()) return s.error();
    }
    if (const toml::table* ports = (*dev)["ports"].as_table()) {
      for (const auto& [port_key, pnode] : *ports) {
        std::string port(port_key.str());
        const toml::table* pt = pnode.as_table();
        if (pt == nullptr) return bad(path, where, "ports." + port + " must be a table");
        Thresholds th = t.thresholds;
        std::string place = where;
        place += " port " + port;
        if (Status s = thresholds(*pt, th, path, place); !s.ok()) return s.error();
        t.port_thresholds[port] = th;
        for (const char* flag : {"critical", "must_be_up"}) {
          auto v = (*pt)[flag];
          if (v && !v.is_boolean())
            return bad(path, where, "ports." + port + "." + flag + " must be true or false");
          if (!v.value_or(false)) continue;
          (std::string_view(flag) == "critical" ? t.critical_ports : t.must_be_up).insert(port);
        }
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<std::vector<Target>> load_inventory(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return parse_failure(path, e);
  }
  return targets_of(root, path);
}

Result<std::vector<Target>> parse_inventory(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return parse_failure(path, e);
  }
  return targets_of(root, path);
}

}  // namespace netledger::snmp
