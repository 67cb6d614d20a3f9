#include "replay_check.hpp"

#include <sqlite3.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "netledger/capture/file_merge.hpp"
#include "netledger/capture/pipeline.hpp"
#include "netledger/core/sink.hpp"
#include "netledger/core/time_format.hpp"
#include "netledger/storage/database.hpp"
#include "netledger/storage/queries.hpp"
#include "netledger/storage/writer.hpp"

namespace netledger::fuzz {

namespace {

bool verbose_on = false;

[[noreturn]] void broken(const char* what, long long a, long long b) {
  std::fprintf(stderr, "replay_check: %s (%lld vs %lld)\n", what, a, b);
  std::abort();
}

void expect_equal(const char* what, uint64_t a, uint64_t b) {
  if (a != b) broken(what, static_cast<long long>(a), static_cast<long long>(b));
}

void expect(bool ok, const char* what) {
  if (!ok) broken(what, 0, 0);
}

struct Totals {
  uint64_t packets_sent = 0, bytes_sent = 0, packets_received = 0, bytes_received = 0, flows = 0;
  friend bool operator==(const Totals&, const Totals&) = default;
  Totals& operator+=(const Totals& o) {
    packets_sent += o.packets_sent;
    bytes_sent += o.bytes_sent;
    packets_received += o.packets_received;
    bytes_received += o.bytes_received;
    flows += o.flows;
    return *this;
  }
};

template <class Key>
Totals sum(const std::map<Key, Totals>& by_key) {
  Totals all;
  for (const auto& [key, t] : by_key) all += t;
  return all;
}

// Keeps the sums of what the accountant emitted, and checks each record on arrival;
// passes everything on to `next` when there is one.
class CheckingSink : public TrafficSink {
 public:
  explicit CheckingSink(TrafficSink* next) : next_(next) {}

  Result<int64_t> begin_run(const CaptureStats& s) override {
    if (next_ != nullptr) return next_->begin_run(s);
    return int64_t{1};
  }

  Status consume(TrafficBatch&& b) override {
    for (const HostBucket& h : b.hosts) {
      expect(h.bucket_s % 60 == 0, "host bucket not on a minute");
      expect(h.packets_sent + h.packets_received + h.flows > 0, "empty host bucket");
      min_bucket = std::min(min_bucket, h.bucket_s);
      max_bucket = std::max(max_bucket, h.bucket_s);
      by_host[h.host.to_string()] +=
          Totals{h.packets_sent, h.bytes_sent, h.packets_received, h.bytes_received, h.flows};
    }
    for (const ProtocolBucket& p : b.protocols) {
      expect(p.bucket_s % 60 == 0, "protocol bucket not on a minute");
      min_bucket = std::min(min_bucket, p.bucket_s);
      max_bucket = std::max(max_bucket, p.bucket_s);
      by_protocol[p.ip_proto] += Totals{p.packets, p.bytes, 0, 0, p.flows};
    }
    for (const FlowRecord& f : b.flows) {
      expect(f.first_us <= f.last_us, "flow ends before it starts");
      expect(f.packets_c2s + f.packets_s2c > 0, "flow without packets");
      min_flow_us = std::min(min_flow_us, f.first_us);
      max_flow_us = std::max(max_flow_us, f.last_us);
      flow_packets += f.packets_c2s + f.packets_s2c;
      flow_bytes += f.bytes_c2s + f.bytes_s2c;
      ++flow_records;
      // A part after an active timeout goes on with the same flow: its ends were counted
      // by the first part.
      const std::string key = key_of(f);
      auto split = splits.find(key);
      if (split != splits.end() && split->second > 0) {
        --split->second;
      } else {
        flow_starts_at_hosts += f.client == f.server ? 1 : 2;
      }
      if (f.end == FlowEnd::kActive) {
        ++active_splits;
        ++splits[key];
      }
    }
    if (next_ != nullptr) return next_->consume(std::move(b));
    return {};
  }

  Status end_run(int64_t run_id, const CaptureStats& s) override {
    stats = s;
    ended = true;
    if (next_ != nullptr) return next_->end_run(run_id, s);
    return {};
  }

  static std::string key_of(const FlowRecord& f) {
    return f.client.to_string() + " " + std::to_string(f.client_port) + " " + f.server.to_string() + " " +
           std::to_string(f.server_port) + " " + std::to_string(f.ip_proto) + " " + std::to_string(f.vlan) +
           " " + std::to_string(f.outer_vlan);
  }

  CaptureStats stats;
  bool ended = false;
  std::map<std::string, Totals> by_host;
  std::map<uint8_t, Totals> by_protocol;   // packets and bytes in the _sent fields
  std::map<std::string, uint64_t> splits;  // flows split at an active timeout, by key
  uint64_t flow_starts_at_hosts = 0;
  uint64_t flow_packets = 0, flow_bytes = 0, flow_records = 0, active_splits = 0;
  int64_t min_bucket = INT64_MAX, max_bucket = INT64_MIN;
  int64_t min_flow_us = INT64_MAX, max_flow_us = INT64_MIN;

 private:
  TrafficSink* next_;
};

// A file in memory with a name the merge can open (and open again at its turn).
class MemoryFile {
 public:
  explicit MemoryFile(const std::string& bytes) : fd_(memfd_create("fuzz-capture", MFD_CLOEXEC)) {
    expect(fd_ >= 0, "memfd_create failed");
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      expect(n > 0, "writing the memory file failed");
      done += static_cast<size_t>(n);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// A database in a directory of its own, removed with it.
class TempDatabase {
 public:
  TempDatabase() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netledger-fuzz-XXXXXX").string();
    expect(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    dir_ = pattern;
  }
  ~TempDatabase() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;
  [[nodiscard]] std::string path() const { return (dir_ / "fuzz.db").string(); }

 private:
  std::filesystem::path dir_;
};

// Sums by key from `sql`, whose rows are a key and five numbers (see Totals).
std::map<std::string, Totals> sums(const storage::Database& db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  expect(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK, "sums do not prepare");
  std::map<std::string, Totals> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto n = [&](int i) { return static_cast<uint64_t>(sqlite3_column_int64(st, i)); };
    out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = Totals{n(1), n(2), n(3), n(4), n(5)};
  }
  sqlite3_finalize(st);
  return out;
}

// What the store gives back equals what the accountant sent it, per host and per
// protocol: in every resolution's table (minutes, and the hour, day and month rollups),
// and through the reports over all time and over the run's minutes.
void check_store(const std::string& path, const CheckingSink& sink) {
  auto db = storage::Database::open(path, storage::OpenMode::kReadOnly);
  expect(db.ok(), "the stored database does not open");
  // Each resolution's table (the day and month views add the hours not folded yet).
  std::map<std::string, Totals> sent_protocols;
  for (const auto& [proto, t] : sink.by_protocol) sent_protocols[std::to_string(proto)] = t;
  for (const std::string res : {"minute", "hour", "day", "month"}) {
    const std::string view = res == "day" || res == "month" ? "v_" : "";
    auto hosts = sums(**db,
                      "SELECT h.address, sum(packets_sent), sum(bytes_sent), sum(packets_received), "
                      "sum(bytes_received), sum(flows) FROM " +
                          view + "host_traffic_" + res + " t JOIN hosts h ON h.id = t.host_id GROUP BY 1");
    auto protocols = sums(**db, "SELECT ip_proto, sum(packets), sum(bytes), 0, 0, sum(flows) FROM " + view +
                                    "protocol_traffic_" + res + " GROUP BY 1");
    if (hosts != sink.by_host || protocols != sent_protocols) {
      std::fprintf(stderr, "in the %s tables\n", res.c_str());
      broken(hosts != sink.by_host ? "stored host sums vs sent" : "stored protocol sums vs sent", 0, 0);
    }
  }
  std::vector<storage::TimeRange> ranges{{}};
  if (sink.max_bucket != INT64_MIN) ranges.push_back({sink.min_bucket, sink.max_bucket + 60});
  for (const storage::TimeRange& range : ranges) {
    auto hosts = storage::query_hosts(**db, range, 0);
    expect(hosts.ok(), "query_hosts failed");
    expect_equal("stored hosts vs hosts sent", hosts->size(), sink.by_host.size());
    for (const storage::HostRow& h : *hosts) {
      auto it = sink.by_host.find(h.address);
      expect(it != sink.by_host.end(), "a stored host was never sent");
      const Totals stored{h.packets_sent, h.bytes_sent, h.packets_received, h.bytes_received, h.flows};
      if (!(stored == it->second)) {
        std::fprintf(stderr, "host %s\n", h.address.c_str());
        broken("stored host totals vs sent (bytes sent)", static_cast<long long>(h.bytes_sent),
               static_cast<long long>(it->second.bytes_sent));
      }
    }
    auto protocols = storage::query_protocols(**db, range, 0);
    expect(protocols.ok(), "query_protocols failed");
    expect_equal("stored protocols vs protocols sent", protocols->size(), sink.by_protocol.size());
    for (const storage::ProtocolRow& p : *protocols) {
      auto it = sink.by_protocol.find(p.ip_proto);
      expect(it != sink.by_protocol.end(), "a stored protocol was never sent");
      expect_equal("stored protocol packets", p.packets, it->second.packets_sent);
      expect_equal("stored protocol bytes", p.bytes, it->second.bytes_sent);
      expect_equal("stored protocol flows", p.flows, it->second.flows);
    }
  }
  auto flows = storage::query_flows(**db, {}, 0);
  expect(flows.ok(), "query_flows failed");
  expect_equal("stored flows vs flow records", flows->size(), sink.flow_records);
}

}  // namespace

void replay_and_check(const std::vector<std::string>& files, const ReplayOptions& options) {
  std::vector<std::unique_ptr<MemoryFile>> memory;
  capture::FileMerge merge;
  size_t taken = 0;
  for (const std::string& bytes : files) {
    memory.push_back(std::make_unique<MemoryFile>(bytes));
    if (merge.add(memory.back()->path()).ok()) ++taken;
  }
  if (taken == 0) {
    if (verbose_on) std::fprintf(stderr, "not read: no file is a capture\n");
    return;
  }

  std::optional<TempDatabase> temp;
  std::unique_ptr<storage::Writer> writer;
  if (options.store) {
    temp.emplace();
    auto db = storage::Database::open(temp->path(), storage::OpenMode::kReadWrite);
    expect(db.ok(), "the database does not open");
    auto w = storage::Writer::open(std::move(*db));
    expect(w.ok(), "the writer does not open");
    writer = std::move(*w);
  }
  CheckingSink sink(writer.get());
  capture::AccountantOptions flow;
  flow.dpi = options.dpi;
  flow.max_flows = options.max_flows;
  flow.dpi_thread = false;
  capture::Pipeline pipeline(sink, flow, "replay", "fuzz");
  expect(pipeline.begin().ok(), "begin failed");
  for (;;) {
    capture::FeedEnd end = pipeline.feed(merge);
    if (end == capture::FeedEnd::kTruncated && !merge.failed()) continue;
    expect(end == capture::FeedEnd::kComplete, "replay from memory did not complete");
    break;
  }
  expect(pipeline.finish("complete").ok(), "finish failed");
  expect(sink.ended, "the run was not ended");

  const CaptureStats& s = sink.stats;
  const Totals hosts = sum(sink.by_host);
  const Totals protocols = sum(sink.by_protocol);  // packets and bytes in the _sent fields
  expect_equal("decoded frames vs protocol bucket packets", s.packets_decoded, protocols.packets_sent);
  expect(protocols.bytes_sent <= s.bytes_read, "protocol bytes above the bytes read");
  expect_equal("packets sent vs received", hosts.packets_sent, hosts.packets_received);
  expect_equal("bytes sent vs received", hosts.bytes_sent, hosts.bytes_received);
  expect_equal("flow packets vs host packets", sink.flow_packets, hosts.packets_sent);
  expect_equal("flow bytes vs host bytes", sink.flow_bytes, hosts.bytes_sent);
  expect(protocols.flows <= s.flows_seen, "more innermost flows than flows");
  expect_equal("host flow counts vs the flows' ends", hosts.flows, sink.flow_starts_at_hosts);
  expect_equal("flow records vs flows seen and active splits", sink.flow_records,
               s.flows_seen + sink.active_splits);
  // The run's first and last stamps as counted: held to the range packet time is kept in.
  const int64_t first_us = within_calendar_us(s.first_packet_us);
  const int64_t last_us = within_calendar_us(s.last_packet_us);
  if (sink.flow_records > 0) {
    if (sink.min_flow_us < first_us)
      broken("a flow starts before the run's first packet", sink.min_flow_us, first_us);
    if (sink.max_flow_us > last_us)
      broken("a flow ends after the run's last packet", sink.max_flow_us, last_us);
  }
  if (sink.max_bucket != INT64_MIN) {
    expect(sink.min_bucket * 1'000'000 >= first_us - 60'000'000 && sink.max_bucket * 1'000'000 <= last_us,
           "buckets outside the run's time");
  }
  if (options.store) {
    writer.reset();
    check_store(temp->path(), sink);
  }
  if (!verbose_on) return;
  std::fprintf(
      stderr, "ok: %llu packets, %llu decoded, %llu flows, %llu host flow starts\n",
      static_cast<unsigned long long>(s.packets_read), static_cast<unsigned long long>(s.packets_decoded),
      static_cast<unsigned long long>(sink.flow_records), static_cast<unsigned long long>(hosts.flows));
}

ReplayOptions fuzz_options(size_t input_size, bool store) {
  return {true, input_size % 2 == 1 ? 8U : 1'000'000U, store};
}

void set_verbose(bool on) {
  verbose_on = on;
}

bool verbose() {
  return verbose_on;
}

}  // namespace netledger::fuzz
