#pragma once

namespace netledger::storage {

// The SQL that takes the schema from version - 1 to `version`.
const char* schema_step(int version);

}  // namespace netledger::storage
