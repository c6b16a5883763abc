// A thin RAII layer over libpq for the PostgreSQL store: a connection, results, parameters as
// text, row-by-row reading of large results, and COPY FROM STDIN. Not thread-safe: one PgConn per
// thread; the object owns its connection.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store_error.hpp"

namespace hopnhat::store {

using PgParam = std::optional<std::string>;  // nullopt is SQL NULL
inline PgParam pg(std::int64_t v) { return std::to_string(v); }
inline PgParam pg(const std::string& v) { return v; }
inline PgParam pg(const char* v) { return std::string(v); }
inline PgParam pg(std::optional<std::int64_t> v) { return v ? PgParam(std::to_string(*v)) : std::nullopt; }
PgParam pg(double v);

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult(const PgResult&) = delete;
  ~PgResult() { PQclear(r_); }
  int rows() const { return PQntuples(r_); }
  bool null(int row, int col) const { return PQgetisnull(r_, row, col); }
  std::string text(int row, int col) const { return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col)); }
  std::int64_t integer(int row, int col) const { return std::stoll(PQgetvalue(r_, row, col)); }
  double real(int row, int col) const { return std::stod(PQgetvalue(r_, row, col)); }
  bool boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }
  std::optional<std::int64_t> optional_integer(int row, int col) const {
    return null(row, col) ? std::nullopt : std::optional<std::int64_t>(integer(row, col));
  }

 private:
  PGresult* r_;
};

class PgConn {
 public:
  PgConn(const std::string& uri, const std::map<std::string, std::string>& options);
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PgResult exec(const std::string& sql, const std::vector<PgParam>& params = {});
  /// Several statements without parameters (a migration file), in one round trip.
  void exec_script(const std::string& sql);
  /// Runs a query and hands each row to `row` without holding the whole result in memory.
  void each_row(const std::string& sql, const std::vector<PgParam>& params, const std::function<void(const PgResult&)>& row);
  /// COPY table(columns) FROM STDIN; `rows` are tab-separated lines (escape with copy_text).
  void copy_in(const std::string& copy_sql, const std::string& rows);
  std::string describe() const { return describe_; }

 private:
  [[noreturn]] void fail(const std::string& what, PGresult* r = nullptr);
  // Owned from PQconnectdbParams on, so that a constructor that throws after it (a failed
  // connection, a SET that fails) still closes the connection.
  struct Finish {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Finish> conn_;
  std::string describe_;
};

/// A value as COPY's text format wants it (\N for NULL; backslash, tab and line ends escaped).
void copy_text(std::string& out, const PgParam& v);

}  // namespace hopnhat::store
