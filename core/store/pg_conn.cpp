#include "store/pg_conn.hpp"

#include <cstdio>

namespace hopnhat::store {

PgParam pg(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string(buf);
}

PgConn::PgConn(const std::string& uri, const std::map<std::string, std::string>& options) {
  // The URI goes in as "dbname" with expand_dbname, so that the keywords after it override it.
  std::vector<const char*> keys{"dbname", "application_name"}, values{uri.c_str(), "hopnhat"};
  for (const auto& [k, v] : options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string why = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw StoreError("PostgreSQL store: cannot connect: " + why);
  }
  describe_ = std::string("PostgreSQL ") + PQdb(conn_.get()) + " on " + PQhost(conn_.get()) + ":" + PQport(conn_.get());
  exec("SET client_min_messages = warning");
  exec("SET TIME ZONE 'UTC'");
}

void PgConn::fail(const std::string& what, PGresult* r) {
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get());
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (r) PQclear(r);
  throw StoreError(describe_ + ": " + what + ": " + msg);
}

PgResult PgConn::exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
  return PgResult(r);
}

void PgConn::exec_script(const std::string& sql) {
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail("migration", r);
  PQclear(r);
}

void PgConn::each_row(const std::string& sql, const std::vector<PgParam>& params, const std::function<void(const PgResult&)>& row) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0))
    fail(sql.substr(0, 60));
  PQsetSingleRowMode(conn_.get());
  std::string error;
  while (PGresult* r = PQgetResult(conn_.get())) {
    PgResult result(r);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (error.empty()) {
        try {
          row(result);
        } catch (const std::exception& e) {
          error = e.what();  // keep reading: the connection must be drained before it is reused
        }
      }
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && error.empty()) {
      error = describe_ + ": " + sql.substr(0, 60) + ": " + PQresultErrorMessage(r);
    }
  }
  if (!error.empty()) throw StoreError(error);
}

void PgConn::copy_in(const std::string& copy_sql, const std::string& rows) {
  PGresult* r = PQexec(conn_.get(), copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) fail(copy_sql.substr(0, 60), r);
  PQclear(r);
  if (PQputCopyData(conn_.get(), rows.data(), static_cast<int>(rows.size())) != 1 || PQputCopyEnd(conn_.get(), nullptr) != 1)
    fail("COPY");
  r = PQgetResult(conn_.get());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(copy_sql.substr(0, 60), r);
  PQclear(r);
  while ((r = PQgetResult(conn_.get()))) PQclear(r);
}

void copy_text(std::string& out, const PgParam& v) {
  if (!v) {
    out += "\\N";
    return;
  }
  for (char ch : *v) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

}  // namespace hopnhat::store
