// Flow-table options shared by replay and capture.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <thread>

#include "netledger/capture/accountant.hpp"

namespace netledger::cli {

inline void add_flow_options(CLI::App* cmd, capture::AccountantOptions& o) {
  cmd->add_option("--max-flows", o.max_flows,
                  "Cap on live flows; past it the flow nearest its timeout is evicted (and counted)")
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
  // Inspection, accounting and the database writer each want a core: with two or fewer,
  // a thread of its own for inspection only adds the cost of handing packets over.
  auto with_thread = [] { return std::thread::hardware_concurrency() > 2; };
  o.dpi_thread = with_thread();
  cmd->add_option_function<std::string>(
         "--dpi-thread",
         [&o, with_thread](const std::string& v) {
           o.dpi_thread = v == "on" || (v == "auto" && with_thread());
         },
         "Deep packet inspection on a thread of its own: auto (when there are more than two cores), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->default_str("auto");
}

}  // namespace netledger::cli
