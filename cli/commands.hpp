// Each subcommand registers itself on the app; its callback sets the exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <string>

#include "netledger/core/counted.hpp"

namespace netledger::cli {

// Exit codes: 0 done, 1 the run failed (bad input, I/O), 2 the command line was wrong,
// 130 interrupted by a signal before the work was done.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

void add_replay(CLI::App& app, int& exit_code);
void add_capture(CLI::App& app, int& exit_code);
void add_interfaces(CLI::App& app, int& exit_code);
void add_report(CLI::App& app, int& exit_code);
void add_poll(CLI::App& app, int& exit_code);
void add_db(CLI::App& app, int& exit_code);

// Set by SIGINT/SIGTERM once install_stop_signals() ran.
const std::atomic<bool>& stop_requested();
void install_stop_signals();

// "netledger: error: <message>" on stderr.
void print_error(const std::string& message);
void print_warning(const std::string& message);

}  // namespace netledger::cli
