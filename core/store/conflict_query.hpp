// The SQL of a queue page, shared by both backends: a WHERE clause over the queue columns and an
// ORDER BY the queue indexes serve. `bind(value)` adds a parameter (std::string or std::int64_t)
// and returns its placeholder ("?" or "$n"). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace hopnhat::store {

struct QueueSql {
  std::string where;  // " WHERE …" or ""
  std::string order;  // " ORDER BY …"
};

template <class Bind>
QueueSql queue_sql(const ConflictQuery& q, Bind&& bind) {
  std::string where;
  auto add = [&](const std::string& condition) { where += (where.empty() ? " WHERE " : " AND ") + condition; };
  if (!q.statuses.empty()) {
    std::string in;
    for (const auto& s : q.statuses) in += (in.empty() ? "" : ", ") + bind(s);
    add("status IN (" + in + ")");
  }
  if (!q.kind.empty()) add("kind = " + bind(q.kind));
  if (!q.unit.empty()) add("unit = " + bind(q.unit));
  if (!q.source.empty()) add("sources LIKE " + bind("%," + q.source + ",%"));
  if (q.max_opened_run >= 0) add("opened_run <= " + bind(q.max_opened_run));
  std::string order = " ORDER BY severity DESC, id";
  if (q.sort == "oldest") order = " ORDER BY id";
  else if (q.sort == "newest") order = " ORDER BY id DESC";
  else if (q.sort == "person") order = " ORDER BY person_name, id";
  else if (q.sort == "kind") order = " ORDER BY kind, severity DESC, id";
  return {where, order};
}

/// The source names of a ",a,b," column.
inline std::vector<std::string> sources_of_column(const std::string& column) {
  std::vector<std::string> out;
  for (std::size_t at = 1, next; (next = column.find(',', at)) != std::string::npos; at = next + 1)
    if (next > at) out.push_back(column.substr(at, next - at));
  return out;
}

/// ",a,b," from source names (each once, in the order given).
inline std::string sources_column(const std::vector<std::string>& sources) {
  std::string out = ",";
  for (const auto& s : sources)
    if (out.find("," + s + ",") == std::string::npos) out += s + ",";
  return out == "," ? std::string() : out;
}

}  // namespace hopnhat::store
