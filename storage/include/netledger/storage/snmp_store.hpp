// SnmpStore: the SnmpSink that keeps what each polling cycle learned. SNMP writes are
// few (one transaction per device per cycle), so they are written on the caller's
// thread.
#pragma once

#include <memory>
#include <string>

#include "netledger/core/snmp_records.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

class SnmpStore final : public SnmpSink {
 public:
  explicit SnmpStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status store(const DeviceCycle& cycle) override;
  Result<StoredMemory> memory(const std::string& device) override;

 private:
  Result<int64_t> device_id(const DevicePoll& p);
  std::unique_ptr<Database> db_;
};

}  // namespace netledger::storage
