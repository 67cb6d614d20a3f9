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

class Writer final : public TrafficSink {
 public:
  // Takes over the connection; `queue_depth` batches may wait for the writer thread.
  static Result<std::unique_ptr<Writer>> open(std::unique_ptr<Database> db, size_t queue_depth = 8);
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
