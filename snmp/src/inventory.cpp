#include "netledger/snmp/inventory.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>

namespace netledger::snmp {

namespace {

Error bad(const std::string& path, const std::string& where, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, path + ": " + where + ": " + what);
}

// A secret from `key`, or from the environment variable named by `key_env` (empty
// when that variable is unset; the caller says which secret is missing).
void secret(const toml::table& dev, const toml::table* defaults, const std::string& key, std::string& out) {
  auto look = [&](const toml::table* t) -> bool {
    if (t == nullptr) return false;
    if (auto v = (*t)[key].value<std::string>()) {
      out = *v;
      return true;
    }
    if (auto env = (*t)[key + "_env"].value<std::string>()) {
      const char* value = std::getenv(env->c_str());
      if (value == nullptr) {
        out.clear();
        return true;  // checked below
      }
      out = value;
      return true;
    }
    return false;
  };
  if (!look(&dev)) look(defaults);
}

Status thresholds(const toml::table& t, Thresholds& th, const std::string& path, const std::string& where) {
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    auto num = node.value<double>();
    if (key == "critical" || key == "must_be_up") continue;
    if (!num) return bad(path, where, key + " must be a number");
    double v = *num;
    if (key == "utilisation_warn")
      th.utilisation_warn = v / 100;
    else if (key == "utilisation_crit")
      th.utilisation_crit = v / 100;
    else if (key == "error_ratio_warn")
      th.error_ratio_warn = v / 100;
    else if (key == "error_ratio_crit")
      th.error_ratio_crit = v / 100;
    else if (key == "error_count_warn")
      th.error_count_warn = static_cast<uint64_t>(v);
    else if (key == "error_count_crit")
      th.error_count_crit = static_cast<uint64_t>(v);
    else if (key == "error_rate_ps")
      th.error_rate_ps = v;
    else if (key == "discard_ratio_warn")
      th.discard_ratio_warn = v / 100;
    else if (key == "discard_ratio_crit")
      th.discard_ratio_crit = v / 100;
    else if (key == "discard_count_warn")
      th.discard_count_warn = static_cast<uint64_t>(v);
    else if (key == "flaps_warn")
      th.flaps_warn = static_cast<int>(v);
    else if (key == "flaps_crit")
      th.flaps_crit = static_cast<int>(v);
    else if (key == "fcs_ratio")
      th.fcs_ratio = v / 100;
    else if (key == "fcs_count")
      th.fcs_count = static_cast<uint64_t>(v);
    else if (key == "unreachable_s")
      th.unreachable_s = static_cast<int64_t>(v);
    else
      return bad(path, where, "unknown threshold '" + key + "'");
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

Result<std::vector<Target>> load_inventory(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return make_error(ErrorCode::kFormat, path + ":" + std::to_string(where.line) + ":" +
                                              std::to_string(where.column) + ": " +
                                              std::string(e.description()));
  }
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
    auto address = get("address").value<std::string>();
    if (!address) return bad(path, where, "address is missing");
    if (Status s = parse_address(*address, t); !s.ok()) return bad(path, where, s.error().message);
    if (auto p = get("port").value<int64_t>()) {
      if (*p < 1 || *p > 65535) return bad(path, where, "port out of range");
      t.port = static_cast<uint16_t>(*p);
    }
    std::string version = get("version").value<std::string>().value_or("2c");
    if (auto vi = get("version").value<int64_t>()) version = std::to_string(*vi);
    if (version == "1")
      t.version = 1;
    else if (version == "2c" || version == "2")
      t.version = 2;
    else if (version == "3")
      t.version = 3;
    else
      return bad(path, where, "version must be 1, 2c or 3");
    t.user = get("user").value<std::string>().value_or("");
    t.level = get("level").value<std::string>().value_or(t.level);
    t.auth_protocol = get("auth_protocol").value<std::string>().value_or(t.auth_protocol);
    t.priv_protocol = get("priv_protocol").value<std::string>().value_or(t.priv_protocol);
    t.context = get("context").value<std::string>().value_or("");
    t.timeout_s = get("timeout").value<double>().value_or(t.timeout_s);
    t.retries = static_cast<int>(get("retries").value<int64_t>().value_or(t.retries));
    t.interval_s = get("interval").value<int64_t>().value_or(t.interval_s);
    secret(*dev, defaults, "community", t.community);
    secret(*dev, defaults, "auth_password", t.auth_password);
    secret(*dev, defaults, "priv_password", t.priv_password);
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
    if (t.timeout_s <= 0 || t.retries < 0 || t.interval_s <= 0) {
      return bad(path, where, "timeout and interval must be positive, retries not negative");
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
        if (Status s = thresholds(*pt, th, path, where + " port " + port); !s.ok()) return s.error();
        t.port_thresholds[port] = th;
        if ((*pt)["critical"].value_or(false)) t.critical_ports.insert(port);
        if ((*pt)["must_be_up"].value_or(false)) t.must_be_up.insert(port);
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace netledger::snmp
