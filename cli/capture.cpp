// netledger capture -i IFACE --db PATH: live capture through the same pipeline as replay.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "flow_options.hpp"
#include "netledger/capture/pipeline.hpp"
#include "netledger/storage/writer.hpp"
#include "status_line.hpp"

namespace netledger::cli {

namespace {

struct CaptureArgs {
  capture::LiveOptions live;
  bool no_promisc = false;
  int64_t duration_s = 0;
  int64_t status_s = kStatusOnTerminal;
  std::string db;
  capture::AccountantOptions flow;
};

int run_capture(CaptureArgs& a) {
  a.live.promiscuous = !a.no_promisc;
  auto db = storage::Database::open(a.db, storage::OpenMode::kReadWrite);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  auto src = capture::PacketSource::open_live(a.live);
  if (!src.ok()) {
    print_error(src.error().message);
    return kExitFailed;
  }
  auto writer = storage::Writer::open(std::move(*db));
  if (!writer.ok()) {
    print_error(writer.error().message);
    return kExitFailed;
  }
  std::string source = a.live.interface + (a.live.filter.empty() ? "" : " filter '" + a.live.filter + "'");
  capture::Pipeline pipeline(**writer, a.flow, "capture", source);
  if (Status s = pipeline.begin(); !s.ok()) {
    print_error(s.error().message);
    return kExitFailed;
  }
  install_stop_signals();
  std::fprintf(stderr, "capturing on %s -> %s (Ctrl-C to stop)\n", a.live.interface.c_str(), a.db.c_str());
  capture::FeedOptions feed;
  feed.stop = &stop_requested();
  feed.duration_s = a.duration_s;
  StatusLine line(StatusLine::kDrops);
  line.attach(feed, a.status_s);
  capture::FeedEnd end = pipeline.feed(**src, feed);
  std::string status = "complete";
  int code = kExitOk;
  if (end == capture::FeedEnd::kSourceError || end == capture::FeedEnd::kSinkFailed) {
    print_error(pipeline.last_error());
    status = "failed";
    code = kExitFailed;
  }
  Status done = pipeline.finish(status);
  if (!done.ok()) {
    // The store's failure ended the feed and was said then; anything else is said now.
    if (done.error().message != pipeline.last_error()) print_error(done.error().message);
    return kExitFailed;
  }
  const CaptureStats& s = pipeline.stats();
  std::fprintf(stderr, "captured %s, %s, %s; dropped %llu (kernel) %llu (interface)\n",
               counted(s.packets_read, "packet", "packets").c_str(),
               counted(s.bytes_read, "byte", "bytes").c_str(), counted(s.flows_seen, "flow", "flows").c_str(),
               static_cast<unsigned long long>(s.drops_kernel),
               static_cast<unsigned long long>(s.drops_interface));
  return code;
}

}  // namespace

void add_capture(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = app.add_subcommand("capture", "Capture live from an interface into the database");
  cmd->add_option("-i,--interface", args->live.interface,
                  "Interface to capture on (see 'netledger interfaces')")
      ->required();
  cmd->add_option("-f,--filter", args->live.filter, "BPF filter, as tcpdump takes it");
  cmd->add_option("-s,--snaplen", args->live.snaplen, "Bytes captured per packet")
      ->check(CLI::Range(64, 262144))
      ->capture_default_str();
  cmd->add_flag("--no-promisc", args->no_promisc, "Do not put the interface into promiscuous mode");
  cmd->add_option("--duration", args->duration_s, "Stop after this many seconds (default: until Ctrl-C)")
      ->check(CLI::Range(int64_t{1}, int64_t{365} * 86400));
  cmd->add_option("--status", args->status_s,
                  "Print a line of what was captured so far every this many seconds, 0 for never "
                  "(default: 10 when standard error is a terminal, else never)")
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  cmd->add_option("--db", args->db, "SQLite database file (created when absent)")->required();
  add_flow_options(cmd, args->flow);
  cmd->callback([args, &exit_code] { exit_code = run_capture(*args); });
}

}  // namespace netledger::cli
