// Flow-table options shared by replay and capture.
#pragma once

#include <CLI/CLI.hpp>

#include "netledger/capture/accountant.hpp"

namespace netledger::cli {

inline void add_flow_options(CLI::App* cmd, capture::AccountantOptions& o) {
  cmd->add_option("--max-flows", o.max_flows,
                  "Cap on live flows; the idlest is evicted (and counted) past it")
      ->check(CLI::Range(1U, 100'000'000U))
      ->capture_default_str();
  cmd->add_option("--idle-timeout", o.idle_timeout_s, "Seconds without a packet before a flow ends")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  cmd->add_option("--active-timeout", o.active_timeout_s,
                  "Seconds after which a long flow is reported and restarted")
      ->check(CLI::Range(1, 86400 * 7))
      ->capture_default_str();
  cmd->add_flag("!--no-dpi", o.dpi, "No deep packet inspection: application protocols guessed by port only");
}

}  // namespace netledger::cli
