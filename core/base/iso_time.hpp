// Timestamps as hopnhat writes them everywhere (the store, the run report, the run lock's note,
// the JSON log, sessions and lockouts): ISO 8601 in UTC to the second, "2026-12-06T01:02:03Z".
// Text in this one form sorts as the times do, so the store compares them as strings.
// Pure functions of their arguments and the clock; thread-safe (gmtime_r, timegm).
#pragma once

#include <cstdio>
#include <ctime>
#include <string>

namespace hopnhat::base {

/// `t` as ISO 8601 UTC.
inline std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// Now as ISO 8601 UTC, and `seconds_from_now` from now.
inline std::string now_iso(long long seconds_from_now = 0) {
  return iso_utc(std::time(nullptr) + static_cast<std::time_t>(seconds_from_now));
}

/// Seconds from now until an ISO 8601 UTC time ("2026-12-06T01:02:03Z"), negative when past; 0
/// when the text is not such a time.
inline long long seconds_until(const std::string& iso) {
  std::tm tm{};
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm) - std::time(nullptr));
}

}  // namespace hopnhat::base
