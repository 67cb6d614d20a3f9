// netledger poll: SNMP interface counters from many devices, rates and findings into the
// database. Options are spelled as Net-SNMP's own tools spell them.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "netledger/snmp/inventory.hpp"
#include "netledger/snmp/monitor.hpp"
#include "netledger/snmp/poller.hpp"
#include "netledger/storage/snmp_store.hpp"

namespace netledger::cli {

namespace {

struct PollArgs {
  std::string db;
  std::vector<std::string> targets;
  std::string devices;
  std::string version = "2c";
  std::string community;
  std::string user;
  std::string level = "noAuthNoPriv";
  std::string auth_protocol = "SHA";
  std::string auth_password;
  std::string priv_protocol = "AES";
  std::string priv_password;
  std::string context;
  double timeout_s = 1.0;
  int retries = 1;
  bool once = false;
  int64_t interval_s = 300;
  int cycles = 0;
  int concurrency = 32;
  int bulk = 50;
  bool interval_given = false;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

Result<std::vector<snmp::Target>> targets_from(const PollArgs& a) {
  std::vector<snmp::Target> out;
  if (!a.devices.empty()) {
    auto inv = snmp::load_inventory(a.devices);
    if (!inv.ok()) return inv.error();
    out = std::move(*inv);
  }
  for (const auto& text : a.targets) {
    snmp::Target t;
    if (Status s = snmp::parse_address(text, t); !s.ok())
      return make_error(ErrorCode::kInvalidArgument, "--target " + s.error().message);
    t.name = t.address();
    t.version = a.version == "1" ? 1 : a.version == "3" ? 3 : 2;
    // Secrets: the command line, else the environment (so they need not be in argv).
    t.community = !a.community.empty() ? a.community : env("NETLEDGER_SNMP_COMMUNITY");
    if (t.community.empty()) t.community = "public";
    t.user = a.user;
    t.level = a.level;
    t.auth_protocol = a.auth_protocol;
    t.auth_password = !a.auth_password.empty() ? a.auth_password : env("NETLEDGER_SNMP_AUTH_PASS");
    t.priv_protocol = a.priv_protocol;
    t.priv_password = !a.priv_password.empty() ? a.priv_password : env("NETLEDGER_SNMP_PRIV_PASS");
    t.context = a.context;
    t.timeout_s = a.timeout_s;
    t.retries = a.retries;
    t.interval_s = a.interval_s;
    if (t.version == 3 && t.user.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "-v 3 needs -u USER");
    }
    if (t.version == 3 && t.level != "noAuthNoPriv" && t.auth_password.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "-l " + t.level + " needs -A or NETLEDGER_SNMP_AUTH_PASS");
    }
    if (t.version == 3 && t.level == "authPriv" && t.priv_password.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "-l authPriv needs -X or NETLEDGER_SNMP_PRIV_PASS");
    }
    out.push_back(std::move(t));
  }
  if (a.interval_given) {
    for (auto& t : out) t.interval_s = a.interval_s;
  }
  if (out.empty())
    return make_error(ErrorCode::kInvalidArgument, "no device: give --target HOST[:PORT] or --devices FILE");
  return out;
}

std::string cycle_line(const DeviceCycle& c) {
  const DevicePoll& p = c.poll;
  size_t open = 0;
  for (const auto& f : c.findings) open += f.cleared ? 0 : 1;
  char took[32];
  std::snprintf(took, sizeof took, "%.2f s", static_cast<double>(p.took_ms) / 1000.0);
  std::string line = p.device + (p.device != p.address ? " (" + p.address + ")" : "") + ": ";
  if (!p.reachable) return line + "unreachable: " + p.error + ", " + took;
  line += "reachable, " + counted(p.interfaces.size(), "interface", "interfaces") + ", " +
          counted(open, "finding", "findings") + ", " + counted(p.values, "value", "values") +
          (p.inventory_read ? "" : " (port names and types known)") + ", " + took;
  if (!p.error.empty()) line += "; stopped early: " + p.error + " (what was read is kept)";
  for (const auto& w : p.warnings) line += "; " + w;
  return line;
}

int run_poll(const PollArgs& a) {
  auto targets = targets_from(a);
  if (!targets.ok()) {
    print_error(targets.error().message);
    return kExitUsage;
  }
  auto db = storage::Database::open(a.db, storage::OpenMode::kReadWrite);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  storage::SnmpStore store(std::move(*db));
  install_stop_signals();
  snmp::PollOptions o;
  o.bulk_rows = a.bulk;
  o.concurrency = a.concurrency;
  o.stop = &stop_requested();
  int64_t interval = a.interval_s;
  for (const auto& t : *targets) interval = std::min(interval, t.interval_s);
  // A cycle ends before the next one is due.
  o.cycle_deadline_s = static_cast<double>(interval) * 0.9;
  std::vector<snmp::KnownInventory> known;  // what each device's ports are, kept between cycles
  o.known = &known;
  int failed = 0;
  for (int cycle = 1;; ++cycle) {
    auto started = std::chrono::steady_clock::now();
    std::vector<DevicePoll> polls = snmp::poll_cycle(*targets, o);
    failed = 0;
    int64_t values = 0;
    size_t reachable = 0;
    for (size_t i = 0; i < polls.size(); ++i) {
      values += polls[i].values;
      reachable += polls[i].reachable ? 1 : 0;
      auto mem = store.memory(polls[i].device);
      if (!mem.ok()) {
        print_error(mem.error().message);
        return kExitFailed;
      }
      DeviceCycle c = snmp::evaluate((*targets)[i], std::move(polls[i]), *mem);
      if (Status s = store.store(c); !s.ok()) {
        print_error(s.error().message);
        return kExitFailed;
      }
      if (!c.poll.reachable || !c.poll.error.empty()) ++failed;
      std::cout << cycle_line(c) << "\n";
    }
    char took[32];
    std::snprintf(took, sizeof took, "%.2f s",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    std::cout << "cycle " << cycle << ": " << counted(polls.size(), "device", "devices") << ", " << reachable
              << " reachable, " << counted(values, "value", "values") << ", " << took << "\n";
    std::cout.flush();
    if (a.once || (a.cycles > 0 && cycle >= a.cycles) || stop_requested().load()) break;
    auto next = started + std::chrono::seconds(interval);
    while (std::chrono::steady_clock::now() < next && !stop_requested().load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (stop_requested().load()) break;
  }
  if (stop_requested().load()) return kExitOk;  // SIGINT/SIGTERM ends polling cleanly
  return failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace

void add_poll(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<PollArgs>();
  CLI::App* cmd = app.add_subcommand("poll", "Poll devices over SNMP: interface counters, rates, findings");
  cmd->add_option("--db", a->db, "SQLite database file")->required();
  cmd->add_option("--target", a->targets, "HOST[:PORT] to poll (repeatable)");
  cmd->add_option("--devices", a->devices, "Inventory file (TOML, one table per device)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-v", a->version, "SNMP version: 1, 2c or 3")
      ->check(CLI::IsMember({"1", "2c", "3"}))
      ->capture_default_str();
  cmd->add_option("-c", a->community, "Community (or NETLEDGER_SNMP_COMMUNITY)");
  cmd->add_option("-u", a->user, "SNMPv3 user");
  cmd->add_option("-l", a->level, "noAuthNoPriv | authNoPriv | authPriv")
      ->check(CLI::IsMember({"noAuthNoPriv", "authNoPriv", "authPriv"}))
      ->capture_default_str();
  cmd->add_option("-a", a->auth_protocol, "MD5 | SHA | SHA-256 | SHA-512")
      ->check(CLI::IsMember({"MD5", "SHA", "SHA-256", "SHA-512"}))
      ->capture_default_str();
  cmd->add_option("-A", a->auth_password, "Authentication passphrase (or NETLEDGER_SNMP_AUTH_PASS)");
  cmd->add_option("-x", a->priv_protocol, "DES | AES")
      ->check(CLI::IsMember({"DES", "AES"}))
      ->capture_default_str();
  cmd->add_option("-X", a->priv_password, "Privacy passphrase (or NETLEDGER_SNMP_PRIV_PASS)");
  cmd->add_option("-n", a->context, "SNMPv3 context name");
  cmd->add_option("-t", a->timeout_s, "Timeout per request, seconds")
      ->check(CLI::Range(0.01, 600.0))
      ->capture_default_str();
  cmd->add_option("-r", a->retries, "Retries per request")->check(CLI::Range(0, 20))->capture_default_str();
  cmd->add_flag("--once", a->once, "Poll one cycle and exit");
  auto* interval = cmd->add_option("--interval", a->interval_s, "Seconds between cycles")
                       ->check(CLI::Range(int64_t{1}, int64_t{86400}))
                       ->capture_default_str();
  cmd->add_option("--cycles", a->cycles, "Stop after this many cycles (0: until SIGINT/SIGTERM)");
  cmd->add_option("--concurrency", a->concurrency, "Devices polled at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--bulk", a->bulk, "GETBULK max-repetitions")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  cmd->callback([a, interval, &exit_code] {
    a->interval_given = interval->count() > 0;
    exit_code = run_poll(*a);
  });
}

}  // namespace netledger::cli
