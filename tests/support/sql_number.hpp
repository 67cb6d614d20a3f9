// The one number a query returns, for tests that read a database back.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "netledger/storage/database.hpp"

namespace netledger::test {

inline int64_t sql_number(const storage::Database& db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
  const int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

}  // namespace netledger::test
