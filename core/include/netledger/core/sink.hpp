// TrafficSink: where capture sends what it has counted. storage implements it; tests
// implement it in memory. capture never sees SQLite.
#pragma once

#include <cstdint>

#include "netledger/core/records.hpp"
#include "netledger/core/result.hpp"

namespace netledger {

class TrafficSink {
 public:
  virtual ~TrafficSink() = default;
  // Registers a run; returns its id.
  virtual Result<int64_t> begin_run(const CaptureStats& stats) = 0;
  // Takes a batch. May block (back-pressure) but never drops. An error means the
  // sink can take no more (e.g. the disk is full); what it had taken is kept.
  virtual Status consume(TrafficBatch&& batch) = 0;
  // A batch to fill next: one the sink has finished with, emptied but with its memory
  // kept, so the packet path need not grow a new one. The default is a new batch.
  virtual TrafficBatch spare() { return {}; }
  // Waits until everything consumed is stored, then records the run's final state.
  virtual Status end_run(int64_t run_id, const CaptureStats& stats) = 0;
};

}  // namespace netledger
