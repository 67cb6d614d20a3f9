// netledger interfaces: the capture devices, numbered like tcpdump -D.
#include <cstdio>

#include "commands.hpp"
#include "netledger/capture/packet_source.hpp"

namespace netledger::cli {

void add_interfaces(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("interfaces", "List the interfaces that can be captured on");
  cmd->callback([&exit_code] {
    auto list = capture::list_interfaces();
    if (!list.ok()) {
      print_error(list.error().message);
      exit_code = kExitFailed;
      return;
    }
    int n = 0;
    for (const auto& i : *list) {
      std::string flags;
      if (i.up) flags += "Up";
      if (i.running) flags += flags.empty() ? "Running" : ", Running";
      if (i.loopback) flags += flags.empty() ? "Loopback" : ", Loopback";
      std::printf("%d.%s%s%s [%s]", ++n, i.name.c_str(), i.description.empty() ? "" : " (",
                  i.description.empty() ? "" : (i.description + ")").c_str(), flags.c_str());
      for (const auto& a : i.addresses) std::printf(" %s", a.c_str());
      std::printf("\n");
    }
  });
}

}  // namespace netledger::cli
