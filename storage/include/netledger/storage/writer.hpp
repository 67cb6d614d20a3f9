// Writer: the TrafficSink that stores into the database. Batches are handed to one
// writer thread through a bounded queue: a full queue blocks the producer
// (back-pressure, never loss). Each batch is one transaction with prepared statements;
// bucket rows are upserts, so buckets that meet across runs add up.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "netledger/core/sink.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

// What the writer holds in memory between writes to the file. The hour's sums, hosts
// and sightings are written at every new hour of packet time, and each also as soon as
// it outgrows its limit, so memory stays bounded whatever one hour brings: writing early
// costs only upserts that update rows instead of adding them.
struct WriterLimits {
  size_t queue_depth = 8;      // batches waiting for the writer thread
  size_t hour_sums = 500'000;  // host rollup rows of the hour, 64 bytes each
  size_t hosts = 262'144;      // the hour's hosts, with their ids and first and last minute
  size_t sightings = 65'536;   // host names and MACs, with their first and last sighting
};

class Writer final : public TrafficSink {
 public:
  // Takes over the connection.
  static Result<std::unique_ptr<Writer>> open(std::unique_ptr<Database> db, WriterLimits limits = {});
  ~Writer() override;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Result<int64_t> begin_run(const CaptureStats& stats) override;
  Status consume(TrafficBatch&& batch) override;
  TrafficBatch spare() override;
  Status end_run(int64_t run_id, const CaptureStats& stats) override;

 private:
  struct State;
  explicit Writer(std::unique_ptr<State> state);
  void loop();
  Status drain();

  std::unique_ptr<State> s_;
  std::thread thread_;
};

}  // namespace netledger::storage
