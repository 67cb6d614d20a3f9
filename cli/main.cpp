// netledger: network traffic accounting into one SQLite file, and reports from it.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "commands.hpp"

namespace netledger::cli {

namespace {
std::atomic<bool> g_stop{false};  // the one global: a signal handler can reach nothing else
extern "C" void on_stop_signal(int /*sig*/) {
  g_stop.store(true);
}
}  // namespace

const std::atomic<bool>& stop_requested() {
  return g_stop;
}

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void print_error(const std::string& message) {
  std::cerr << "netledger: error: " << message << "\n";
}
void print_warning(const std::string& message) {
  std::cerr << "netledger: warning: " << message << "\n";
}

}  // namespace netledger::cli

namespace {

int run(int argc, char** argv) {
  using namespace netledger::cli;
  CLI::App app{"netledger: per-host and per-protocol traffic accounting into one SQLite file"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "netledger 0.1.0");
  int exit_code = kExitOk;
  add_replay(app, exit_code);
  add_capture(app, exit_code);
  add_interfaces(app, exit_code);
  add_report(app, exit_code);
  add_poll(app, exit_code);
  add_db(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Whatever escapes a command (no memory left, say) is one line and a failed exit, never an
  // abort without a word.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    netledger::cli::print_error(e.what());
    return netledger::cli::kExitFailed;
  }
}
