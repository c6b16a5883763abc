#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "base/sort_key.hpp"

using hopnhat::base::leading_bytes_key;

TEST_CASE("leading_bytes_key orders as the bytes do, and ties only where the first eight bytes match", "[base]") {
  CHECK(leading_bytes_key("") == 0);
  CHECK(leading_bytes_key("a") < leading_bytes_key("b"));
  CHECK(leading_bytes_key("ab") < leading_bytes_key("abc"));              // a prefix comes first
  CHECK(leading_bytes_key("CB2926702") < leading_bytes_key("CB3074624"));  // ids of one width
  CHECK(leading_bytes_key("9") > leading_bytes_key("10000000"));            // bytes, not numbers
  CHECK(leading_bytes_key("\xC3\xA1") > leading_bytes_key("z"));            // bytes are unsigned
  CHECK(leading_bytes_key("HS1234567") == leading_bytes_key("HS1234568"));  // only eight bytes count
  CHECK(leading_bytes_key(std::string("a\0", 2)) == leading_bytes_key("a"));  // padding is a zero byte

  // Against std::string's order on random strings of bytes: a smaller key means a smaller string.
  std::mt19937 rng(7);
  std::vector<std::string> strings;
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 12, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : '0' + rng() % 3);
    strings.push_back(s);
  }
  for (std::size_t i = 0; i + 1 < strings.size(); ++i)
    for (std::size_t j = i + 1; j < std::min(strings.size(), i + 50); ++j) {
      const auto ka = leading_bytes_key(strings[i]), kb = leading_bytes_key(strings[j]);
      if (ka < kb) REQUIRE(strings[i] < strings[j]);
      if (ka > kb) REQUIRE(strings[i] > strings[j]);
      const auto padded = [](const std::string& s) { return (s + std::string(8, '\0')).substr(0, 8); };
      REQUIRE((ka == kb) == (padded(strings[i]) == padded(strings[j])));
    }
}
