#include "odbc.hpp"

#include "hopnhat/sdk/text.hpp"

namespace hopnhat_partydb {
namespace {

std::string diagnostic(SQLSMALLINT type, SQLHANDLE handle) {
  std::string out;
  SQLCHAR state[6], text[512];
  SQLINTEGER native = 0;
  SQLSMALLINT len = 0;
  for (SQLSMALLINT i = 1; SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &len) == SQL_SUCCESS; ++i) {
    if (!out.empty()) out += "; ";
    out += std::string(reinterpret_cast<char*>(state)) + " " + std::string(reinterpret_cast<char*>(text));
  }
  return out.empty() ? "no diagnostic from the driver" : out;
}

void check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char* what) {
  if (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) return;
  throw OdbcError(std::string(what) + ": " + diagnostic(type, handle));
}

std::string utf16_to_utf8(const std::vector<SQLWCHAR>& units, std::size_t n) {
  std::string bytes(reinterpret_cast<const char*>(units.data()), n * sizeof(SQLWCHAR));
  std::string out;
  hopnhat::sdk::decode(bytes, hopnhat::sdk::Encoding::kUtf16, out);  // little-endian, no BOM
  return out;
}

std::vector<SQLWCHAR> utf8_to_utf16(const std::string& s) {
  std::vector<SQLWCHAR> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : 3;
    cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= n && i + static_cast<std::size_t>(k) < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    i += static_cast<std::size_t>(n) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<SQLWCHAR>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<SQLWCHAR>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<SQLWCHAR>(cp));
    }
  }
  out.push_back(0);
  return out;
}

}  // namespace

Connection::Connection(const std::string& connection_string, int timeout_s) {
  check(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_), SQL_HANDLE_ENV, env_, "ODBC environment");
  check(SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0), SQL_HANDLE_ENV, env_,
        "ODBC version");
  check(SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_), SQL_HANDLE_ENV, env_, "ODBC connection handle");
  SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeout_s)), 0);
  // Read-only: hopnhat never writes to the party database.
  SQLSetConnectAttr(dbc_, SQL_ATTR_ACCESS_MODE, reinterpret_cast<SQLPOINTER>(SQL_MODE_READ_ONLY), 0);
  SQLRETURN rc = SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(const_cast<char*>(connection_string.c_str())),
                                  SQL_NTS, nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  check(rc, SQL_HANDLE_DBC, dbc_, "cannot connect to the party database");
}

Connection::~Connection() {
  if (dbc_ != SQL_NULL_HDBC) {
    SQLDisconnect(dbc_);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
  }
  if (env_ != SQL_NULL_HENV) SQLFreeHandle(SQL_HANDLE_ENV, env_);
}

SQLHSTMT Connection::new_statement() {
  SQLHSTMT stmt = SQL_NULL_HSTMT;
  check(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt), SQL_HANDLE_DBC, dbc_, "ODBC statement handle");
  return stmt;
}

void Connection::free_statement(SQLHSTMT stmt) { SQLFreeHandle(SQL_HANDLE_STMT, stmt); }

void Connection::run(const std::string& sql, const std::vector<std::string>& params, int timeout_s, SQLHSTMT stmt) {
  SQLSetStmtAttr(stmt, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeout_s)), 0);
  check(SQLPrepare(stmt, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS), SQL_HANDLE_STMT, stmt,
        "cannot prepare the query");
  std::vector<std::vector<SQLWCHAR>> buffers;
  std::vector<SQLLEN> lengths(params.size(), SQL_NTS);
  for (std::size_t i = 0; i < params.size(); ++i) {
    buffers.push_back(utf8_to_utf16(params[i]));
    check(SQLBindParameter(stmt, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR,
                           buffers.back().size(), 0, buffers.back().data(),
                           static_cast<SQLLEN>(buffers.back().size() * sizeof(SQLWCHAR)), &lengths[i]),
          SQL_HANDLE_STMT, stmt, "cannot bind a parameter");
  }
  check(SQLExecute(stmt), SQL_HANDLE_STMT, stmt, "the query failed");
}

std::vector<std::string> Connection::column_names(SQLHSTMT stmt) {
  SQLSMALLINT n = 0;
  check(SQLNumResultCols(stmt, &n), SQL_HANDLE_STMT, stmt, "cannot read the result's columns");
  std::vector<std::string> names;
  for (SQLSMALLINT c = 1; c <= n; ++c) {
    SQLCHAR name[256];
    SQLSMALLINT len = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    check(SQLDescribeCol(stmt, static_cast<SQLUSMALLINT>(c), name, sizeof name, &len, &type, &size, &digits, &nullable),
          SQL_HANDLE_STMT, stmt, "cannot describe a column");
    names.emplace_back(reinterpret_cast<char*>(name));
  }
  return names;
}

bool Connection::fetch(SQLHSTMT stmt, std::size_t columns, std::vector<std::optional<std::string>>& out) {
  SQLRETURN rc = SQLFetch(stmt);
  if (rc == SQL_NO_DATA) return false;
  check(rc, SQL_HANDLE_STMT, stmt, "cannot fetch a row");
  out.assign(columns, std::nullopt);
  std::vector<SQLWCHAR> buf(1024);
  for (std::size_t c = 0; c < columns; ++c) {
    std::vector<SQLWCHAR> value;
    while (true) {  // long text arrives in pieces
      SQLLEN ind = 0;
      rc = SQLGetData(stmt, static_cast<SQLUSMALLINT>(c + 1), SQL_C_WCHAR, buf.data(),
                      static_cast<SQLLEN>(buf.size() * sizeof(SQLWCHAR)), &ind);
      if (rc == SQL_NO_DATA) break;
      check(rc, SQL_HANDLE_STMT, stmt, "cannot read a cell");
      if (ind == SQL_NULL_DATA) break;
      std::size_t units = ind == SQL_NO_TOTAL || static_cast<std::size_t>(ind) / sizeof(SQLWCHAR) >= buf.size()
                              ? buf.size() - 1
                              : static_cast<std::size_t>(ind) / sizeof(SQLWCHAR);
      value.insert(value.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(units));
      if (rc == SQL_SUCCESS) {
        out[c] = utf16_to_utf8(value, value.size());
        break;
      }
    }
  }
  return true;
}

}  // namespace hopnhat_partydb
