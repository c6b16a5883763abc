// A thin RAII layer over the SQLite C API: a connection and prepared statements whose errors
// become StoreError with SQLite's message. Not thread-safe: one Db per thread. A Db owns its
// connection (closed when it is destroyed); a Statement borrows it and must not outlive its Db.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_error.hpp"

namespace hopnhat::store {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

  Statement& bind(int index, std::string_view text);
  /// Bind without a copy, for the writers of millions of rows: the caller keeps the bytes
  /// alive until run() or reset() (a chain of binds ending in run() in one expression does).
  Statement& bind_borrowed(int index, std::string_view text);
  Statement& bind_blob_borrowed(int index, std::string_view bytes);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  /// bind_borrowed, or NULL for an empty text (a column that is NULL when there is nothing).
  Statement& bind_borrowed_or_null(int index, std::string_view text);
  Statement& bind_optional(int index, const std::optional<std::int64_t>& value);
  /// Steps once; true while a row is available.
  bool step();
  /// Runs to completion (for statements without results) and resets.
  void run();
  void reset();

  std::string text(int column) const;
  std::string blob(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  /// Opens (creating when `create`) the database at `path`. Throws StoreError.
  Db(const std::string& path, bool create);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(handle_.get(), sql); }
  sqlite3* handle() const { return handle_.get(); }
  const std::string& path() const { return path_; }

  /// A database this object created keeps a rollback journal until its first commit: the first
  /// run writes everything once, instead of into the write-ahead log and again at its
  /// checkpoint (nobody else can be reading a store that did not exist). Then, and for every
  /// store opened later, the log (WAL) lets readers go on while a run writes.
  void use_write_ahead_log();

 private:
  // Owned from sqlite3_open_v2 on, so that a constructor that throws after it (a PRAGMA that
  // fails) still closes the connection.
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  std::unique_ptr<sqlite3, Close> handle_;
  std::string path_;
  bool wal_ = false;
};

}  // namespace hopnhat::store
