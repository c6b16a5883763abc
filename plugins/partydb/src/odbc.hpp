// A small RAII layer over the ODBC C API (unixODBC): environment, read-only connection, statement,
// text columns fetched as UTF-16 and returned as UTF-8. Errors are OdbcError with the driver's
// diagnostic (never the connection string, which may hold a password). One thread at a time.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hopnhat_partydb {

class OdbcError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Connection {
 public:
  /// Connects read-only with a login time-out; throws OdbcError.
  Connection(const std::string& connection_string, int timeout_s);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs `sql` with text parameters and calls `row` for each result row (column names first,
  /// via `columns`). A NULL cell is std::nullopt.
  template <class OnColumns, class OnRow>
  void query(const std::string& sql, const std::vector<std::string>& params, int timeout_s, OnColumns on_columns, OnRow row);

 private:
  void run(const std::string& sql, const std::vector<std::string>& params, int timeout_s, SQLHSTMT stmt);
  std::vector<std::string> column_names(SQLHSTMT stmt);
  bool fetch(SQLHSTMT stmt, std::size_t columns, std::vector<std::optional<std::string>>& out);
  void free_statement(SQLHSTMT stmt);
  SQLHSTMT new_statement();

  SQLHENV env_ = SQL_NULL_HENV;
  SQLHDBC dbc_ = SQL_NULL_HDBC;
};

template <class OnColumns, class OnRow>
void Connection::query(const std::string& sql, const std::vector<std::string>& params, int timeout_s, OnColumns on_columns,
                       OnRow row) {
  SQLHSTMT stmt = new_statement();
  try {
    run(sql, params, timeout_s, stmt);
    auto names = column_names(stmt);
    on_columns(names);
    std::vector<std::optional<std::string>> cells;
    while (fetch(stmt, names.size(), cells))
      if (!row(cells)) break;
  } catch (...) {
    free_statement(stmt);
    throw;
  }
  free_statement(stmt);
}

}  // namespace hopnhat_partydb
