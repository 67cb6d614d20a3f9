// netledger replay FILE... --db PATH: read capture files into the database as one run,
// merged in packet-time order.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "flow_options.hpp"
#include "netledger/capture/pipeline.hpp"
#include "netledger/storage/writer.hpp"
#include "status_line.hpp"

namespace netledger::cli {

namespace {

struct ReplayArgs {
  std::vector<std::string> files;
  std::string db;
  capture::AccountantOptions flow;
  bool quiet = false;
  int64_t status_s = kStatusOnTerminal;
};

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

int run_replay(const ReplayArgs& a) {
  if (std::count(a.files.begin(), a.files.end(), capture::kStandardInput) > 1) {
    print_error("standard input (-) can be read only once");
    return kExitFailed;
  }
  // Every file is checked before anything is written: a typo in the tenth name should
  // not leave nine files imported.
  bool bad = false;
  capture::FileMerge files;
  for (const std::string& f : a.files) {
    if (Status s = files.add(f); !s.ok()) {
      print_error(s.error().message);
      bad = true;
    }
  }
  if (bad) return kExitFailed;

  auto db = storage::Database::open(a.db, storage::OpenMode::kReadWrite);
  if (!db.ok()) {
    print_error(db.error().message);
    return kExitFailed;
  }
  auto writer = storage::Writer::open(std::move(*db));
  if (!writer.ok()) {
    print_error(writer.error().message);
    return kExitFailed;
  }
  capture::Pipeline pipeline(**writer, a.flow, "replay", join(a.files));
  if (Status s = pipeline.begin(); !s.ok()) {
    print_error(s.error().message);
    return kExitFailed;
  }
  install_stop_signals();
  auto t0 = std::chrono::steady_clock::now();
  std::string status = "complete";
  int code = kExitOk;
  capture::FeedOptions feed;
  feed.stop = &stop_requested();
  StatusLine line(StatusLine::kPacketTime);
  line.attach(feed, a.quiet && a.status_s == kStatusOnTerminal ? 0 : a.status_s);
  // The files are read merged in time order; one that breaks off is warned about and
  // the others go on.
  for (;;) {
    capture::FeedEnd end = pipeline.feed(files, feed);
    if (end == capture::FeedEnd::kTruncated && !files.failed()) {
      print_warning(pipeline.last_error() + " (every packet before the cut was kept)");
      status = "truncated";
      continue;
    }
    if (end == capture::FeedEnd::kStopped) {
      status = "interrupted";
      code = kExitInterrupted;
    } else if (end != capture::FeedEnd::kComplete) {  // the store failed, or a file vanished
      print_error(pipeline.last_error());
      status = "failed";
      code = kExitFailed;
    }
    break;
  }
  Status done = pipeline.finish(status);
  if (!done.ok()) {
    // The store's failure ended the feed and was said then; anything else is said now.
    if (done.error().message != pipeline.last_error()) print_error(done.error().message);
    return kExitFailed;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const CaptureStats& s = pipeline.stats();
  if (!a.quiet) {
    std::fprintf(stderr, "replayed %s: %s, %s, %s in %.2f s (%.0f packets/s) -> %s\n",
                 counted(a.files.size(), "file", "files").c_str(),
                 counted(s.packets_read, "packet", "packets").c_str(),
                 counted(s.bytes_read, "byte", "bytes").c_str(),
                 counted(s.flows_seen, "flow", "flows").c_str(), secs,
                 secs > 0 ? static_cast<double>(s.packets_read) / secs : 0.0, a.db.c_str());
  }
  return code;
}

}  // namespace

void add_replay(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd =
      app.add_subcommand("replay", "Read pcap/pcapng files into the database (one run, one dataset)");
  cmd->add_option(
         "files", args->files,
         "Capture files (pcap or pcapng; the format is found from the content); - for standard input")
      ->required();
  cmd->add_option("--db", args->db, "SQLite database file (created when absent)")->required();
  cmd->add_flag("-q,--quiet", args->quiet, "No summary line (and no status lines unless --status asks)");
  cmd->add_option("--status", args->status_s,
                  "Print a line of what was read so far every this many seconds, 0 for never "
                  "(default: 10 when standard error is a terminal, else never)")
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  add_flow_options(cmd, args->flow);
  cmd->callback([args, &exit_code] { exit_code = run_replay(*args); });
}

}  // namespace netledger::cli
