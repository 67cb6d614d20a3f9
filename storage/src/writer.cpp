#include "netledger/storage/writer.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bulk_rows.hpp"
#include "dense_map.hpp"
#include "hour_sums.hpp"
#include "netledger/core/time_format.hpp"
#include "sightings.hpp"
#include "statement.hpp"

namespace netledger::storage {

namespace {

constexpr const char* kHostsInto = "INSERT INTO hosts(address, first_seen, last_seen)";
constexpr const char* kHostsAdd =
    "ON CONFLICT(address) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), "
    "last_seen = max(last_seen, excluded.last_seen) RETURNING id, address";
constexpr const char* kHostTrafficInto =
    "INSERT INTO host_traffic_minute(bucket, host_id, ip_proto, app_id, packets_sent, bytes_sent, "
    "packets_received, bytes_received, flows)";
constexpr const char* kHostTrafficAdd =
    "ON CONFLICT DO UPDATE SET packets_sent = packets_sent + excluded.packets_sent, "
    "bytes_sent = bytes_sent + excluded.bytes_sent, packets_received = packets_received + "
    "excluded.packets_received, "
    "bytes_received = bytes_received + excluded.bytes_received, flows = flows + excluded.flows";
constexpr const char* kUpsertProtocol =
    "INSERT INTO protocol_traffic_minute(bucket, ip_proto, packets, bytes, flows) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT DO UPDATE SET packets = packets + excluded.packets, bytes = bytes + excluded.bytes, "
    "flows = flows + excluded.flows";
constexpr const char* kFlowsInto =
    "INSERT INTO flows(run_id, ip_proto, client_id, client_port, server_id, server_port, vlan, outer_vlan, "
    "tunnel, first_us, last_us, packets_c2s, bytes_c2s, packets_s2c, bytes_s2c, end_reason, ndpi_id, "
    "app_id, master_id, category_id, guessed)";
constexpr const char* kUpsertLabel =
    "INSERT INTO labels(name) VALUES(?1) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id";

constexpr const char* kInsertRun =
    "INSERT INTO capture_runs(kind, source, started_s, status) VALUES(?1, ?2, ?3, 'running')";
constexpr const char* kUpdateRun =
    "UPDATE capture_runs SET finished_s = ?2, first_packet_us = ?3, last_packet_us = ?4, packets_read = ?5, "
    "bytes_read = ?6, bytes_captured = ?7, packets_decoded = ?8, non_ip_packets = ?9, drops_kernel = ?10, "
    "drops_interface = ?11, flows_seen = ?12, flows_evicted = ?13, status = ?14, error = ?15 WHERE id = ?1";
constexpr const char* kUpsertAnomaly =
    "INSERT INTO capture_anomalies(run_id, name, count) VALUES(?1, ?2, ?3) "
    "ON CONFLICT DO UPDATE SET count = excluded.count";

}  // namespace

struct Writer::State {
  State(std::unique_ptr<Database> d, BulkRows host, BulkRows traffic, Statement protocol, BulkRows flow)
      : db(std::move(d)),
        upsert_hosts(std::move(host)),
        upsert_host_traffic(std::move(traffic)),
        upsert_protocol(std::move(protocol)),
        insert_flow(std::move(flow)) {}

  std::unique_ptr<Database> db;
  BulkRows upsert_hosts;
  BulkRows upsert_host_traffic;
  Statement upsert_protocol;
  BulkRows insert_flow;
  // The hosts this writer has stored this hour of packet time, each with its id and the
  // first and last bucket it was seen in since the hosts table was last updated (written
  // at each new hour and at the run's end).
  struct Seen {
    int64_t id = 0;  // 0 until the hosts table gave one
    SeenTimes times;
  };
  DenseMap<IpAddr, Seen, IpAddrHash> hosts;
  int64_t run_id = 0;
  std::vector<int64_t> labels;      // this run's label id -> labels.id
  HourSums rollups;                 // hour sums not yet added to the rollup tables
  int64_t rolled_hour = INT64_MIN;  // the hour of packet time the rollups were last stored in

  // Adds the gathered hour sums to the hour table, with the name and MAC sightings the
  // caches hold, and folds the days before the newest hour of packet time into the day
  // and month tables. Runs inside the caller's transaction.
  Status store_rollups() {
    if (rollups.empty() && sightings->empty()) return {};
    if (Status s = sightings->flush(*db); !s.ok()) return s;
    if (Status s = rollups.write(*db); !s.ok()) return s;
    if (rolled_hour != INT64_MIN) {
      if (Status s = fold_days(*db, day_start(rolled_hour)); !s.ok()) return s;
    }
    return {};
  }

  std::optional<Statement> upsert_label;
  std::optional<SightingCache> sightings;

  std::mutex mu;
  std::condition_variable not_full;
  std::condition_variable not_empty;
  std::condition_variable idle;
  std::deque<TrafficBatch> queue;
  std::vector<TrafficBatch> spares;  // stored batches, emptied, for the producer to refill
  WriterLimits limits;
  bool busy = false;
  bool stopping = false;
  Status failure;

  // The cache entry of each host, name and MAC row of the batch being stored, in that
  // order, then of each flow's client and server (resolve_hosts fills it).
  std::vector<uint32_t> batch_hosts;
  int64_t id_of_row(size_t row) const { return hosts.at(batch_hosts[row]).second.id; }
  int64_t id_of_flow_end(const TrafficBatch& b, size_t flow, int side) const {
    return id_of_row(b.hosts.size() + b.names.size() + b.macs.size() + 2 * flow + static_cast<size_t>(side));
  }

  std::vector<uint32_t> fresh_hosts;  // entries new to the cache, reused by every batch
  std::vector<std::string> fresh_text;

  // Gives every host of the batch an id. Those not in the cache are upserted together,
  // many rows to a statement and in address order, with the first and last bucket the
  // batch saw them in: one statement per new host cost about a tenth of the writer's
  // time in a replay of the bench capture (90,000 hosts).
  Status resolve_hosts(const TrafficBatch& b) {
    fresh_hosts.clear();
    batch_hosts.clear();
    auto note = [&](const IpAddr& a, int64_t first_s, int64_t last_s) {
      auto [entry, added] = hosts.try_emplace(a, Seen{0, SeenTimes{first_s, last_s, false}});
      batch_hosts.push_back(entry);
      if (added) {
        fresh_hosts.push_back(entry);
      } else {
        hosts.at(entry).second.times.see(first_s);
        hosts.at(entry).second.times.see(last_s);
      }
    };
    for (const HostBucket& h : b.hosts) note(h.host, h.bucket_s, h.bucket_s);
    for (const HostName& n : b.names) note(n.host, minute_start(n.seen_s), minute_start(n.seen_s));
    for (const HostMac& m : b.macs) note(m.host, minute_start(m.seen_s), minute_start(m.seen_s));
    // A flow's ends were charged for its packets in the minutes it spans, so these times
    // move nothing that the host rows do not; the ids are what the flow row needs.
    for (const FlowRecord& f : b.flows) {
      const int64_t first_s = floor_div(f.first_us, 60'000'000) * 60;
      const int64_t last_s = floor_div(f.last_us, 60'000'000) * 60;
      note(f.client, first_s, last_s);
      note(f.server, first_s, last_s);
    }
    if (fresh_hosts.empty()) return {};
    // In address order (by bytes: sorting the text cost more than the locality it gave).
    std::sort(fresh_hosts.begin(), fresh_hosts.end(),
              [&](uint32_t x, uint32_t y) { return hosts.at(x).first < hosts.at(y).first; });
    fresh_text.resize(fresh_hosts.size());
    for (size_t i = 0; i < fresh_hosts.size(); ++i)
      fresh_text[i] = hosts.at(fresh_hosts[i]).first.to_string();
    int rc = upsert_hosts.run_returning(
        fresh_hosts.size(),
        [&](BulkRows::Row& r, size_t i) {
          const Seen& h = hosts.at(fresh_hosts[i]).second;
          r.bind(1, fresh_text[i]).bind(2, h.times.first_s).bind(3, h.times.last_s);
        },
        [&](const Statement& st, size_t first, size_t count) {
          // Rows come back in the order they went in; the address is checked all the same.
          const std::string address = st.text_at(1);
          for (size_t i = first; i < first + count; ++i) {
            Seen& h = hosts.at(fresh_hosts[i]).second;
            if (h.id == 0 && fresh_text[i] == address) {
              h.id = st.int_at(0);
              h.times.dirty = false;
              return;
            }
          }
        });
    if (rc != SQLITE_DONE) return db->error("upsert hosts", ErrorCode::kIo);
    for (size_t i = 0; i < fresh_hosts.size(); ++i) {
      if (hosts.at(fresh_hosts[i]).second.id == 0) {
        return db->error("upsert hosts: no id came back for " + fresh_text[i], ErrorCode::kIo);
      }
    }
    return {};
  }

  // Writes the first/last seen times gathered in memory, inside the caller's transaction.
  Status store_seen() {
    std::vector<Seen*> moved;
    for (uint32_t e = 0; e < hosts.size(); ++e) {
      Seen& s = hosts.at(e).second;
      if (s.times.dirty) moved.push_back(&s);
    }
    // In id order: each update lands beside the one before.
    std::sort(moved.begin(), moved.end(), [](const Seen* a, const Seen* b) { return a->id < b->id; });
    auto st = Statement::prepare(
        *db,
        "UPDATE hosts SET first_seen = min(first_seen, ?2), last_seen = max(last_seen, ?3) "
        "WHERE id = ?1");
    if (!st.ok()) return st.error();
    for (const Seen* h : moved) {
      st->rewind();
      st->bind(1, h->id).bind(2, h->times.first_s).bind(3, h->times.last_s);
      if (st->step() != SQLITE_DONE) return db->error("update hosts", ErrorCode::kIo);
    }
    for (Seen* h : moved) h->times.dirty = false;
    return {};
  }

  int64_t label(LabelId id) const { return id < labels.size() ? labels[id] : 0; }

  Status store_labels(const TrafficBatch& b) {
    for (const auto& [id, name] : b.labels) {
      Statement& st = *upsert_label;
      st.reset();
      st.bind(1, name);
      if (st.step() != SQLITE_ROW) return db->error("upsert label " + name, ErrorCode::kIo);
      if (labels.size() <= id) labels.resize(id + 1U, 0);
      labels[id] = st.int_at(0);
      st.reset();
    }
    return {};
  }

  // The names and MACs of the batch: new ones are written now, later sightings move
  // times in memory (see SightingCache).
  Status store_names(const TrafficBatch& b) {
    size_t row = b.hosts.size();
    for (const HostName& n : b.names) sightings->add(id_of_row(row++), n.name, n.source, n.seen_s);
    for (const HostMac& m : b.macs) sightings->add(id_of_row(row++), m.mac, m.seen_s);
    return sightings->write_new(*db);
  }

  struct MinuteRow {
    int64_t bucket_s;
    int64_t host_id;
    uint8_t ip_proto;
    int64_t app_id;
    const HostBucket* bucket;
  };
  std::vector<MinuteRow> order;  // reused by every batch

  // Each batch is a transaction of its own, and so are the rollups written after it: a
  // batch that fails is rolled back whole and the ones before it stay. (In WAL mode with
  // synchronous=NORMAL a commit does not sync. Batches under savepoints in a longer
  // transaction cost more: SQLite first copies every page a savepoint changes to the
  // statement journal, 0.1-0.4 s of a 4-5 s replay of the bench capture.)
  Status store(const TrafficBatch& b) {
    if (Status s = store_rows(b); !s.ok()) return s;
    // The hour's state goes to the file at every new hour of packet time, so a capture
    // that is killed loses at most the hour in progress from it, and each part also when
    // it outgrows its limit. The first hour seen is only noted: its sums would be written
    // now and added to again at the end, an update costing about twice a new row.
    int64_t newest = INT64_MIN;
    for (const HostBucket& h : b.hosts) newest = std::max(newest, h.bucket_s);
    const bool first = rolled_hour == INT64_MIN;
    const bool new_hour = newest != INT64_MIN && hour_start(newest) > rolled_hour;
    if (new_hour) rolled_hour = hour_start(newest);
    const bool next_hour = new_hour && !first;
    const bool roll = next_hour || rollups.size() > limits.hour_sums;
    const bool seen = next_hour || hosts.size() > limits.hosts;
    const bool sighted = sightings->size() > limits.sightings;
    if (!roll && !seen && !sighted) return {};
    Transaction tx(*db);
    if (!tx.began()) return db->error("BEGIN", ErrorCode::kIo);
    if (roll || sighted) {  // the rollups take the sightings with them
      if (Status s = roll ? store_rollups() : sightings->flush(*db); !s.ok()) return s;
    }
    if (seen) {
      if (Status s = store_seen(); !s.ok()) return s;
    }
    if (Status s = tx.commit(); !s.ok()) return s;
    // The host cache then starts afresh: a long capture holds the hosts of one hour at
    // most, not of every hour it has seen.
    if (seen) hosts.clear();
    return {};
  }

  Status store_rows(const TrafficBatch& b) {
    Transaction tx(*db);
    if (!tx.began()) return db->error("BEGIN", ErrorCode::kIo);
    if (Status s = store_labels(b); !s.ok()) return s;
    if (Status s = resolve_hosts(b); !s.ok()) return s;
    // Rows go in the table's key order, so each upsert lands beside the one before.
    order.clear();
    for (size_t i = 0; i < b.hosts.size(); ++i) {
      const HostBucket& h = b.hosts[i];
      order.push_back(MinuteRow{h.bucket_s, id_of_row(i), h.ip_proto, label(h.app), &h});
    }
    std::sort(order.begin(), order.end(), [](const MinuteRow& x, const MinuteRow& y) {
      return std::tie(x.bucket_s, x.host_id, x.ip_proto, x.app_id) <
             std::tie(y.bucket_s, y.host_id, y.ip_proto, y.app_id);
    });
    for (const MinuteRow& row : order) rollups.add(*row.bucket, row.host_id, row.app_id);
    int rc = upsert_host_traffic.run(order.size(), [&](BulkRows::Row& r, size_t i) {
      const MinuteRow& row = order[i];
      const HostBucket& h = *row.bucket;
      r.bind(1, h.bucket_s).bind(2, row.host_id).bind(3, int{h.ip_proto}).bind(4, row.app_id);
      r.bind(5, h.packets_sent).bind(6, h.bytes_sent).bind(7, h.packets_received).bind(8, h.bytes_received);
      r.bind(9, h.flows);
    });
    if (rc != SQLITE_DONE) return db->error("upsert host_traffic_minute", ErrorCode::kIo);
    for (const ProtocolBucket& p : b.protocols) {
      Statement& st = upsert_protocol;
      st.reset();
      st.bind(1, p.bucket_s).bind(2, int{p.ip_proto}).bind(3, p.packets).bind(4, p.bytes).bind(5, p.flows);
      rollups.add(p);
      if (st.step() != SQLITE_DONE) return db->error("upsert protocol_traffic_minute", ErrorCode::kIo);
    }
    rc = insert_flow.run(b.flows.size(), [&](BulkRows::Row& r, size_t i) {
      const FlowRecord& f = b.flows[i];
      r.bind(1, run_id).bind(2, int{f.ip_proto}).bind(3, id_of_flow_end(b, i, 0)).bind(4, int{f.client_port});
      r.bind(5, id_of_flow_end(b, i, 1))
          .bind(6, int{f.server_port})
          .bind(7, int{f.vlan})
          .bind(8, int{f.outer_vlan});
      r.bind(9, int{f.tunnel}).bind(10, f.first_us).bind(11, f.last_us).bind(12, f.packets_c2s);
      r.bind(13, f.bytes_c2s)
          .bind(14, f.packets_s2c)
          .bind(15, f.bytes_s2c)
          .bind_static(16, flow_end_name(f.end));
      r.bind(17, label(f.app.ndpi)).bind(18, label(f.app.app)).bind(19, label(f.app.master));
      r.bind(20, label(f.app.category)).bind(21, int{f.app.guessed});
    });
    if (rc != SQLITE_DONE) return db->error("insert flow", ErrorCode::kIo);
    if (Status s = store_names(b); !s.ok()) return s;
    return tx.commit();
  }
};

Result<std::unique_ptr<Writer>> Writer::open(std::unique_ptr<Database> db, WriterLimits limits) {
  auto upsert_hosts = BulkRows::prepare(*db, kHostsInto, 3, kHostsAdd);
  if (!upsert_hosts.ok()) return upsert_hosts.error();
  auto upsert_traffic = BulkRows::prepare(*db, kHostTrafficInto, 9, kHostTrafficAdd);
  if (!upsert_traffic.ok()) return upsert_traffic.error();
  auto upsert_protocol = Statement::prepare(*db, kUpsertProtocol);
  if (!upsert_protocol.ok()) return upsert_protocol.error();
  auto insert_flow = BulkRows::prepare(*db, kFlowsInto, 21, "");
  if (!insert_flow.ok()) return insert_flow.error();
  auto upsert_label = Statement::prepare(*db, kUpsertLabel);
  if (!upsert_label.ok()) return upsert_label.error();
  auto sightings = SightingCache::prepare(*db);
  if (!sightings.ok()) return sightings.error();
  auto state = std::make_unique<State>(std::move(db), std::move(*upsert_hosts), std::move(*upsert_traffic),
                                       std::move(*upsert_protocol), std::move(*insert_flow));
  state->upsert_label.emplace(std::move(*upsert_label));
  state->sightings.emplace(std::move(*sightings));
  state->limits = limits;
  state->limits.queue_depth = std::max<size_t>(limits.queue_depth, 1);
  return std::unique_ptr<Writer>(new Writer(std::move(state)));
}

Writer::Writer(std::unique_ptr<State> state) : s_(std::move(state)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "netledger-write");  // as top -H and perf show it
    loop();
  });
}

Writer::~Writer() {
  {
    std::lock_guard lock(s_->mu);
    s_->stopping = true;
  }
  s_->not_empty.notify_all();
  thread_.join();
}

void Writer::loop() {
  std::unique_lock lock(s_->mu);
  for (;;) {
    s_->not_empty.wait(lock, [&] { return s_->stopping || !s_->queue.empty(); });
    if (s_->queue.empty()) return;  // stopping, with everything stored
    TrafficBatch batch = std::move(s_->queue.front());
    s_->queue.pop_front();
    s_->busy = true;
    lock.unlock();
    s_->not_full.notify_one();
    Status st = s_->failure.ok() ? s_->store(batch) : Status{};
    batch.clear();
    // A spare keeps the room every batch needs, for flows. Host rows, names and MACs come
    // once a minute, a minute's worth in one batch: kept in every spare, they held the
    // memory of several minutes.
    batch.hosts.shrink_to_fit();
    batch.names.shrink_to_fit();
    batch.macs.shrink_to_fit();
    lock.lock();
    if (s_->spares.size() < 2) s_->spares.push_back(std::move(batch));
    if (!st.ok() && s_->failure.ok()) s_->failure = st;
    s_->busy = false;
    if (s_->queue.empty()) s_->idle.notify_all();
  }
}

Status Writer::consume(TrafficBatch&& batch) {
  std::unique_lock lock(s_->mu);
  s_->not_full.wait(lock, [&] { return s_->queue.size() < s_->limits.queue_depth || !s_->failure.ok(); });
  if (!s_->failure.ok()) return s_->failure;
  s_->queue.push_back(std::move(batch));
  lock.unlock();
  s_->not_empty.notify_one();
  return {};
}

TrafficBatch Writer::spare() {
  std::lock_guard lock(s_->mu);
  if (s_->spares.empty()) return {};
  TrafficBatch b = std::move(s_->spares.back());
  s_->spares.pop_back();
  return b;
}

Status Writer::drain() {
  std::unique_lock lock(s_->mu);
  s_->idle.wait(lock, [&] { return s_->queue.empty() && !s_->busy; });
  return s_->failure;
}

Result<int64_t> Writer::begin_run(const CaptureStats& stats) {
  if (Status s = drain(); !s.ok()) return s.error();
  std::lock_guard lock(s_->mu);  // the writer thread is idle and stays so while we hold this
  auto st = Statement::prepare(*s_->db, kInsertRun);
  if (!st.ok()) return st.error();
  st->bind(1, stats.kind).bind(2, stats.source).bind(3, stats.started_s);
  if (st->step() != SQLITE_DONE) return s_->db->error("insert capture_runs", ErrorCode::kIo);
  s_->run_id = sqlite3_last_insert_rowid(s_->db->handle());
  s_->labels.assign(1, 0);  // a new run numbers its labels afresh; 0 is Unknown everywhere
  return s_->run_id;
}

Status Writer::end_run(int64_t run_id, const CaptureStats& stats) {
  Status written = drain();
  std::lock_guard lock(s_->mu);
  {
    Transaction tx(*s_->db);
    Status last = tx.began() ? s_->store_seen() : s_->db->error("BEGIN", ErrorCode::kIo);
    if (last.ok()) last = s_->store_rollups();
    if (last.ok()) last = tx.commit();
    if (!last.ok() && written.ok()) written = last;
  }
  auto st = Statement::prepare(*s_->db, kUpdateRun);
  if (!st.ok()) return st.error();
  std::string status = written.ok() ? stats.status : "failed";
  std::string error = written.ok() ? stats.error : written.error().message;
  // A run without packets has no packet times (NULL: runs are then placed by wall time).
  const bool any = stats.packets_read > 0;
  st->bind(1, run_id).bind(2, stats.finished_s);
  st->bind(3, any ? std::optional{stats.first_packet_us} : std::nullopt);
  st->bind(4, any ? std::optional{stats.last_packet_us} : std::nullopt);
  st->bind(5, stats.packets_read).bind(6, stats.bytes_read).bind(7, stats.bytes_captured);
  st->bind(8, stats.packets_decoded).bind(9, stats.non_ip_packets).bind(10, stats.drops_kernel);
  st->bind(11, stats.drops_interface)
      .bind(12, stats.flows_seen)
      .bind(13, stats.flows_evicted)
      .bind(14, status);
  if (error.empty())
    st->bind_null(15);
  else
    st->bind(15, error);
  if (st->step() != SQLITE_DONE) return s_->db->error("update capture_runs", ErrorCode::kIo);
  auto an = Statement::prepare(*s_->db, kUpsertAnomaly);
  if (!an.ok()) return an.error();
  for (const auto& [name, count] : stats.anomalies) {
    an->reset();
    an->bind(1, run_id).bind(2, name).bind(3, count);
    if (an->step() != SQLITE_DONE) return s_->db->error("insert capture_anomalies", ErrorCode::kIo);
  }
  return written;
}

}  // namespace netledger::storage
