#include "netledger/snmp/poller.hpp"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include "oids.hpp"

namespace netledger::snmp {

namespace {

std::once_flag g_init;
std::mutex g_open_mu;  // USM user creation in snmp_sess_open is not thread-safe

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

using Oid = std::vector<oid>;

bool has_prefix(const oid* name, size_t len, const Oid& prefix) {
  return len > prefix.size() && std::equal(prefix.begin(), prefix.end(), name);
}

const char* type_name(u_char t) {
  switch (t) {
    case ASN_INTEGER: return "INTEGER";
    case ASN_OCTET_STR: return "OCTET STRING";
    case ASN_OBJECT_ID: return "OBJECT IDENTIFIER";
    case ASN_COUNTER: return "Counter32";
    case ASN_GAUGE: return "Gauge32";
    case ASN_TIMETICKS: return "TimeTicks";
    case ASN_COUNTER64: return "Counter64";
    case ASN_IPADDRESS: return "IpAddress";
    case ASN_NULL: return "NULL";
    default: return "another type";
  }
}

// One value as read, with its type checked by the caller.
struct Value {
  u_char type = 0;
  const netsnmp_variable_list* v = nullptr;

  [[nodiscard]] bool exception() const {
    return type == SNMP_NOSUCHOBJECT || type == SNMP_NOSUCHINSTANCE || type == SNMP_ENDOFMIBVIEW;
  }
  [[nodiscard]] std::optional<uint64_t> unsigned_value() const {
    switch (type) {
      case ASN_COUNTER:
      case ASN_GAUGE:
      case ASN_TIMETICKS:
      case ASN_UINTEGER: return static_cast<uint64_t>(static_cast<uint32_t>(*v->val.integer));
      case ASN_COUNTER64: return (uint64_t{v->val.counter64->high} << 32) | v->val.counter64->low;
      case ASN_INTEGER: return *v->val.integer >= 0 ? std::optional<uint64_t>(*v->val.integer) : std::nullopt;
      default: return std::nullopt;
    }
  }
  [[nodiscard]] std::optional<int64_t> integer() const {
    if (type == ASN_INTEGER) return static_cast<int64_t>(*v->val.integer);
    if (auto u = unsigned_value()) return static_cast<int64_t>(*u);
    return std::nullopt;
  }
  [[nodiscard]] std::optional<std::string> text() const {
    if (type != ASN_OCTET_STR) return std::nullopt;
    std::string s(reinterpret_cast<const char*>(v->val.string), v->val_len);
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }
  [[nodiscard]] std::optional<std::string> hex() const {
    if (type != ASN_OCTET_STR) return std::nullopt;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < v->val_len; ++i) {
      s.push_back(kHex[v->val.string[i] >> 4]);
      s.push_back(kHex[v->val.string[i] & 0xF]);
    }
    return s;
  }
  [[nodiscard]] std::optional<std::string> object_id() const {
    if (type != ASN_OBJECT_ID) return std::nullopt;
    std::string s;
    for (size_t i = 0; i < v->val_len / sizeof(oid); ++i) s += "." + std::to_string(v->val.objid[i]);
    return s;
  }
};

class DevicePoller {
 public:
  DevicePoller(const Target& t, const PollOptions& o, int64_t deadline_ms, DevicePoll& out,
               KnownInventory* known)
      : t_(t), o_(o), out_(out), known_(known), deadline_ms_(deadline_ms) {}
  ~DevicePoller() {
    if (sess_ != nullptr) snmp_sess_close(sess_);
  }
  DevicePoller(const DevicePoller&) = delete;
  DevicePoller& operator=(const DevicePoller&) = delete;

  void run() {
    const int64_t start = mono_ms();
    out_.device = t_.name;
    out_.address = t_.address();
    if (open()) {
      if (system_group()) {
        out_.reachable = true;
        const bool reuse = inventory_current();
        out_.inventory_read = !reuse;
        const bool whole = walk_tables(reuse ? Columns::kCounting : Columns::kAll);
        if (reuse && !fill_inventory() && whole) {
          // A port the last inventory does not know: read what the ports are now.
          out_.inventory_read = true;
          if (walk_tables(Columns::kInventory)) (void)fill_inventory();
        }
        remember();
      }
    }
    out_.took_ms = mono_ms() - start;
    out_.mono_ms = mono_ms();
    out_.polled_s = static_cast<int64_t>(std::time(nullptr));
  }

 private:
  enum class Columns : uint8_t { kAll, kCounting, kInventory };

  // Walks every table (the columns asked for); false when the walk stopped early.
  bool walk_tables(Columns which) {
    for (const Table& table : tables()) {
      if (stopped()) {
        out_.error = "stopped (signal or cycle deadline) before every table was read";
        return false;
      }
      if (t_.version == 1 && table.needs_v2) continue;  // never ask v1 for Counter64
      std::vector<int> cols;
      for (int c : table.columns) {
        const bool inventory =
            std::find(table.inventory.begin(), table.inventory.end(), c) != table.inventory.end();
        if (which == Columns::kAll || (which == Columns::kInventory) == inventory) cols.push_back(c);
      }
      if (!cols.empty() && !walk(table, cols)) return false;
    }
    return true;
  }

  // Whether the inventory from the last cycle still describes the device.
  [[nodiscard]] bool inventory_current() const {
    if (known_ == nullptr || !known_->valid) return false;
    const KnownInventory& k = *known_;
    const auto uptime = out_.info.uptime_s();
    const bool rebooted =
        (uptime && k.uptime_s && *uptime < *k.uptime_s) ||
        (out_.info.engine_boots && k.engine_boots && *out_.info.engine_boots != *k.engine_boots);
    const bool old = static_cast<double>(mono_ms() - k.read_mono_ms) >= o_.inventory_refresh_s * 1000;
    return !rebooted && !old && if_number_ == k.if_number && table_last_change_ == k.table_last_change;
  }

  // Copies the known inventory fields into the rows just read; false when a row is not known.
  bool fill_inventory() {
    bool all = true;
    for (auto& [index, row] : out_.interfaces) {
      auto it = known_->ports.find(index);
      if (it == known_->ports.end()) {
        all = false;
        continue;
      }
      const IfRow& k = it->second;
      if (row.descr.empty()) row.descr = k.descr;
      if (!row.type) row.type = k.type;
      if (!row.mtu) row.mtu = k.mtu;
      if (row.mac.empty()) row.mac = k.mac;
      if (row.name.empty()) row.name = k.name;
      if (row.alias.empty()) row.alias = k.alias;
    }
    return all;
  }

  void remember() {
    if (known_ == nullptr) return;
    KnownInventory& k = *known_;
    k.uptime_s = out_.info.uptime_s();
    k.engine_boots = out_.info.engine_boots;
    if (!out_.inventory_read) return;
    k.valid = out_.error.empty();
    k.if_number = if_number_;
    k.table_last_change = table_last_change_;
    k.read_mono_ms = mono_ms();
    k.ports = out_.interfaces;
  }

  [[nodiscard]] bool stopped() const {
    return (o_.stop != nullptr && o_.stop->load()) || (deadline_ms_ != 0 && mono_ms() >= deadline_ms_);
  }

  bool open() {
    netsnmp_session s;
    snmp_sess_init(&s);
    std::string peer =
        (t_.host.find(':') != std::string::npos ? "udp6:[" + t_.host + "]" : "udp:" + t_.host) + ":" +
        std::to_string(t_.port);
    s.peername = peer.data();
    s.timeout = static_cast<long>(t_.timeout_s * 1e6);
    s.retries = t_.retries;
    std::string community = t_.community;
    std::string user = t_.user;
    std::string context = t_.context;
    if (t_.version == 3) {
      s.version = SNMP_VERSION_3;
      s.securityName = user.data();
      s.securityNameLen = user.size();
      s.contextName = context.data();
      s.contextNameLen = context.size();
      if (t_.level == "authPriv") {
        s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
      } else if (t_.level == "authNoPriv") {
        s.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
      } else {
        s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
      }
      if (s.securityLevel != SNMP_SEC_LEVEL_NOAUTH) {
        if (t_.auth_protocol == "MD5") {
          s.securityAuthProto = usmHMACMD5AuthProtocol;
        } else if (t_.auth_protocol == "SHA-256") {
          s.securityAuthProto = usmHMAC192SHA256AuthProtocol;
        } else if (t_.auth_protocol == "SHA-512") {
          s.securityAuthProto = usmHMAC384SHA512AuthProtocol;
        } else {
          s.securityAuthProto = usmHMACSHA1AuthProtocol;
        }
        s.securityAuthProtoLen = USM_AUTH_PROTO_SHA_LEN;
        s.securityAuthKeyLen = USM_AUTH_KU_LEN;
        if (generate_Ku(s.securityAuthProto, static_cast<u_int>(s.securityAuthProtoLen),
                        reinterpret_cast<const u_char*>(t_.auth_password.data()), t_.auth_password.size(),
                        s.securityAuthKey, &s.securityAuthKeyLen) != SNMPERR_SUCCESS) {
          out_.error = "cannot derive the authentication key (is the password at least 8 characters?)";
          return false;
        }
      }
      if (s.securityLevel == SNMP_SEC_LEVEL_AUTHPRIV) {
        s.securityPrivProto = t_.priv_protocol == "DES" ? usmDESPrivProtocol : usmAESPrivProtocol;
        s.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
        s.securityPrivKeyLen = USM_PRIV_KU_LEN;
        if (generate_Ku(s.securityAuthProto, static_cast<u_int>(s.securityAuthProtoLen),
                        reinterpret_cast<const u_char*>(t_.priv_password.data()), t_.priv_password.size(),
                        s.securityPrivKey, &s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
          out_.error = "cannot derive the privacy key (is the password at least 8 characters?)";
          return false;
        }
      }
    } else {
      s.version = t_.version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
      s.community = reinterpret_cast<u_char*>(community.data());
      s.community_len = community.size();
    }
    {
      std::lock_guard lock(g_open_mu);
      sess_ = snmp_sess_open(&s);
    }
    if (sess_ == nullptr) {
      out_.error = describe(s.s_snmp_errno != 0 ? s.s_snmp_errno : snmp_errno, s.s_errno);
      return false;
    }
    return true;
  }

  static std::string describe(int snmp_err, int sys_err) {
    switch (snmp_err) {
      case SNMPERR_TIMEOUT: return "timeout (no response)";
      case SNMPERR_AUTHENTICATION_FAILURE:
      case SNMPERR_USM_AUTHENTICATIONFAILURE: return "authentication failure";
      case SNMPERR_USM_UNKNOWNSECURITYNAME: return "authentication failure (unknown user)";
      case SNMPERR_USM_DECRYPTIONERROR:
        return "authentication failure (decryption error: wrong privacy password?)";
      case SNMPERR_UNKNOWN_USER_NAME: return "authentication failure (unknown user)";
      default: break;
    }
    const char* text = snmp_api_errstring(snmp_err);
    std::string msg = text != nullptr ? text : "SNMP error";
    if (sys_err != 0) msg += std::string(" (") + std::strerror(sys_err) + ")";
    return msg;
  }

  // Sends `pdu` and waits for the answer; false (with out_.error set) on failure.
  bool exchange(netsnmp_pdu* pdu, netsnmp_pdu** response) {
    *response = nullptr;
    // An answer that fails USM authentication is dropped by the library and looks like a
    // timeout; its statistics counters tell the two apart.
    const u_int bad_before = snmp_get_statistic(STAT_USMSTATSWRONGDIGESTS) +
                             snmp_get_statistic(STAT_USMSTATSDECRYPTIONERRORS) +
                             snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES);
    int status = snmp_sess_synch_response(sess_, pdu, response);
    if (status == STAT_SUCCESS && *response != nullptr) {
      if ((*response)->command == SNMP_MSG_REPORT) {
        out_.error = "authentication failure (the agent sent a report)";
        return false;
      }
      return true;
    }
    int snmp_err = 0;
    int sys_err = 0;
    char* detail = nullptr;
    snmp_sess_error(sess_, &sys_err, &snmp_err, &detail);
    std::free(detail);
    const u_int bad_after = snmp_get_statistic(STAT_USMSTATSWRONGDIGESTS) +
                            snmp_get_statistic(STAT_USMSTATSDECRYPTIONERRORS) +
                            snmp_get_statistic(STAT_USMSTATSUNKNOWNUSERNAMES);
    char timeout[128];
    std::snprintf(timeout, sizeof timeout, "timeout (no response within %g s, %d retries%s)", t_.timeout_s,
                  t_.retries, t_.version == 3 ? "" : "; wrong community or no agent?");
    if (t_.version == 3 && bad_after != bad_before) {
      out_.error = "authentication failure (wrong password or protocol for user '" + t_.user + "')";
    } else {
      out_.error = status == STAT_TIMEOUT ? timeout : describe(snmp_err, sys_err);
    }
    return false;
  }

  bool system_group() {
    // SNMPv1 answers a GET with one missing object by failing it whole: ask v1 only
    // what every MIB-II agent has.
    std::vector<Oid> wanted = {oids::kSysDescr, oids::kSysObjectId, oids::kSysUpTime, oids::kSysName,
                               oids::kIfNumber};
    if (t_.version != 1) {
      wanted.push_back(oids::kEngineBoots);
      wanted.push_back(oids::kEngineTime);
      wanted.push_back(oids::kHrSystemUptime);
      wanted.push_back(oids::kIfTableLastChange);
    }
    netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_GET);
    for (const Oid& o : wanted) snmp_add_null_var(pdu, o.data(), o.size());
    netsnmp_pdu* resp = nullptr;
    if (!exchange(pdu, &resp)) return false;
    if (resp->errstat != SNMP_ERR_NOERROR) {
      out_.error = std::string("the agent refused the system group: ") +
                   snmp_errstring(static_cast<int>(resp->errstat));
      snmp_free_pdu(resp);
      return false;
    }
    DeviceInfo& d = out_.info;
    for (netsnmp_variable_list* v = resp->variables; v != nullptr; v = v->next_variable) {
      Value val{v->type, v};
      if (val.exception()) continue;
      Oid name(v->name, v->name + v->name_length);
      if (name == oids::kSysDescr) d.sys_descr = val.text().value_or("");
      if (name == oids::kSysName) d.sys_name = val.text().value_or("");
      if (name == oids::kSysObjectId) d.sys_object_id = val.object_id().value_or("");
      if (name == oids::kSysUpTime) d.sys_uptime = val.unsigned_value();
      if (name == oids::kEngineBoots) d.engine_boots = val.unsigned_value();
      if (name == oids::kEngineTime) d.engine_time = val.unsigned_value();
      if (name == oids::kHrSystemUptime) d.hr_uptime = val.unsigned_value();
      if (name == oids::kIfNumber) if_number_ = val.unsigned_value().value_or(0);
      if (name == oids::kIfTableLastChange) table_last_change_ = val.unsigned_value();
      ++out_.values;
    }
    snmp_free_pdu(resp);
    return true;
  }

  struct Column {
    Oid prefix;  // table entry OID + column number
    Oid at;      // the last OID read in this column
    int column = 0;
    bool done = false;
  };

  // Walks the columns `wanted` of `table` side by side. False when the device stopped
  // answering (what was read is kept).
  bool walk(const Table& table, const std::vector<int>& wanted) {
    std::vector<Column> cols;
    for (int c : wanted) {
      Oid p = table.entry;
      p.push_back(static_cast<oid>(c));
      cols.push_back(Column{p, p, c, false});
    }
    bool first_request = true;
    for (int guard = 0; guard < 100000; ++guard) {
      std::vector<Column*> active;
      for (Column& c : cols) {
        if (!c.done) active.push_back(&c);
      }
      if (active.empty()) return true;
      if (stopped()) return false;
      const bool bulk = t_.version != 1;
      netsnmp_pdu* pdu = snmp_pdu_create(bulk ? SNMP_MSG_GETBULK : SNMP_MSG_GETNEXT);
      if (bulk) {
        pdu->non_repeaters = 0;
        // Keep one answer within what a UDP datagram comfortably carries, and ask for no
        // more rows than the device said it has (ifNumber): each row past a column's end is
        // a value the agent computes for nothing.
        int rows = std::min<int>(o_.bulk_rows, 1000 / static_cast<int>(active.size()));
        if (if_number_ > 0 && first_request) rows = std::min<int>(rows, static_cast<int>(if_number_) + 1);
        pdu->max_repetitions = std::max(1, rows);
        first_request = false;
      }
      for (Column* c : active) snmp_add_null_var(pdu, c->at.data(), c->at.size());
      netsnmp_pdu* resp = nullptr;
      if (!exchange(pdu, &resp)) {
        out_.error += " while reading " + table.name;
        return false;
      }
      if (resp->errstat != SNMP_ERR_NOERROR) {
        // SNMPv1 ends a walk with noSuchName; the failed column is done.
        if (resp->errstat == SNMP_ERR_NOSUCHNAME && resp->errindex >= 1 &&
            static_cast<size_t>(resp->errindex) <= active.size()) {
          active[static_cast<size_t>(resp->errindex - 1)]->done = true;
        } else {
          out_.warnings.push_back(table.name + ": " + snmp_errstring(static_cast<int>(resp->errstat)));
          for (Column* c : active) c->done = true;
        }
        snmp_free_pdu(resp);
        continue;
      }
      size_t i = 0;
      bool progressed = false;
      for (netsnmp_variable_list* v = resp->variables; v != nullptr; v = v->next_variable, ++i) {
        ++out_.values;
        Column* c = active[i % active.size()];
        if (c->done) continue;
        if (v->type == SNMP_ENDOFMIBVIEW || !has_prefix(v->name, v->name_length, c->prefix)) {
          c->done = true;  // the column (or the agent's view) ended
          continue;
        }
        Oid name(v->name, v->name + v->name_length);
        if (name <= c->at) {  // an agent going backwards would loop forever
          out_.warnings.push_back(table.name + ": the agent returned OIDs out of order");
          c->done = true;
          continue;
        }
        c->at = std::move(name);
        progressed = true;
        if (v->name_length != c->prefix.size() + 1) continue;  // ifIndex is the one sub-identifier
        auto if_index = static_cast<uint32_t>(v->name[c->prefix.size()]);
        store(table, c->column, if_index, Value{v->type, v});
      }
      snmp_free_pdu(resp);
      if (!progressed) {
        for (Column* c : active) c->done = true;
      }
    }
    return true;
  }

  void store(const Table& table, int column, uint32_t if_index, const Value& v) {
    if (v.exception()) return;
    IfRow& r = out_.interfaces[if_index];
    r.if_index = if_index;
    bool ok = table.set(r, column, v.text(), v.hex(), v.integer(), v.unsigned_value());
    if (!ok) {
      std::string w = table.name + " column " + std::to_string(column) + " of ifIndex " +
                      std::to_string(if_index) + ": unexpected " + type_name(v.type);
      if (out_.warnings.size() < 20) out_.warnings.push_back(w);
    }
  }

  const Target& t_;
  const PollOptions& o_;
  DevicePoll& out_;
  KnownInventory* known_ = nullptr;  // null: read everything
  void* sess_ = nullptr;
  int64_t deadline_ms_ = 0;
  uint64_t if_number_ = 0;                     // ifNumber: how many ifTable rows the device has
  std::optional<uint64_t> table_last_change_;  // ifTableLastChange
};

}  // namespace

void init_library() {
  std::call_once(g_init, [] {
    // No MIB files (numeric OIDs only), no configuration or persistent state files.
    setenv("MIBS", "", 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
    init_snmp("netledger");
    snmp_disable_stderrlog();  // errors are reported per device, not on stderr
    snmp_disable_log();
    // With no handler at all the library falls back to stderr: one that drops everything.
    netsnmp_log_handler* quiet = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    (void)quiet;
  });
}

std::vector<DevicePoll> poll_cycle(const std::vector<Target>& targets, const PollOptions& options) {
  init_library();
  std::vector<DevicePoll> out(targets.size());
  std::atomic<size_t> next{0};
  const int64_t deadline =
      options.cycle_deadline_s > 0 ? mono_ms() + static_cast<int64_t>(options.cycle_deadline_s * 1000) : 0;
  if (options.known != nullptr) options.known->resize(targets.size());
  auto worker = [&] {
    for (size_t i = next++; i < targets.size(); i = next++) {
      DevicePoller p(targets[i], options, deadline, out[i],
                     options.known != nullptr ? &(*options.known)[i] : nullptr);
      p.run();
    }
  };
  const size_t n = std::min<size_t>(targets.size(), static_cast<size_t>(std::max(1, options.concurrency)));
  std::vector<std::thread> pool;
  pool.reserve(n);
  for (size_t i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& th : pool) th.join();
  return out;
}

}  // namespace netledger::snmp
