// Prepared statements as owned handles, and a transaction guard that rolls back
// unless committed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "netledger/core/c_handle.hpp"
#include "netledger/storage/database.hpp"

namespace netledger::storage {

using StatementHandle = std::unique_ptr<sqlite3_stmt, CFree<&sqlite3_finalize>>;

class Statement {
 public:
  static Result<Statement> prepare(const Database& db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
      return db.error(std::string("sqlite3_prepare_v3(") + sql + ")");
    }
    return Statement(raw);
  }

  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_.get(), i, v);
    return *this;
  }
  Statement& bind(int i, uint64_t v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(s_.get(), i, v);
    return *this;
  }
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    if (!v) return bind_null(i);
    return bind(i, *v);
  }
  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Text SQLite does not copy: it must stay as it is until the statement has run.
  Statement& bind_static(int i, std::string_view v) {
    sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(s_.get(), i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(s_.get()); }
  void reset() {
    sqlite3_reset(s_.get());
    sqlite3_clear_bindings(s_.get());
  }
  // Ready to run again with the same parameters bound (for callers that bind them all).
  void rewind() { sqlite3_reset(s_.get()); }
  [[nodiscard]] int64_t int_at(int col) const { return sqlite3_column_int64(s_.get(), col); }
  [[nodiscard]] double double_at(int col) const { return sqlite3_column_double(s_.get(), col); }
  [[nodiscard]] std::string text_at(int col) const {
    const unsigned char* t = sqlite3_column_text(s_.get(), col);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
  }
  [[nodiscard]] bool is_null(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }

 private:
  explicit Statement(sqlite3_stmt* s) : s_(s) {}
  StatementHandle s_;
};

class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { ok_ = db_.exec("BEGIN IMMEDIATE").ok(); }
  ~Transaction() {
    if (ok_ && !committed_) (void)db_.exec("ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  [[nodiscard]] bool began() const { return ok_; }
  Status commit() {
    Status s = db_.exec("COMMIT");
    committed_ = s.ok();
    return s;
  }

 private:
  Database& db_;
  bool ok_ = false;
  bool committed_ = false;
};

}  // namespace netledger::storage
