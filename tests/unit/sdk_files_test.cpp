#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "hopnhat/sdk/files.hpp"
#include "temp_dir.hpp"

namespace sdk = hopnhat::sdk;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("column letters: A to Z, then AA") {
  CHECK(sdk::column_letter(0) == "A");
  CHECK(sdk::column_letter(25) == "Z");
  CHECK(sdk::column_letter(26) == "AA");
  CHECK(sdk::column_letter(27) == "AB");
  CHECK(sdk::column_letter(701) == "ZZ");
  CHECK(sdk::column_letter(702) == "AAA");
}

TEST_CASE("a file written beside its target replaces it whole, and the temporary is gone") {
  TempDir dir;
  const std::string target = (dir.path / "out.csv").string();
  std::ofstream(target) << "old\n";
  const std::string temp = sdk::temp_path_beside(target, ".csv");
  CHECK(temp == target + ".tmp-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(temp) << "new\n";
  CHECK(read(target) == "old\n");  // until it is replaced, readers see the last file
  REQUIRE(sdk::replace_file(temp, target).is_ok());
  CHECK(read(target) == "new\n");
  CHECK_FALSE(std::filesystem::exists(temp));
}

TEST_CASE("a replacement that cannot happen names the target and leaves the last file") {
  TempDir dir;
  const std::string target = (dir.path / "out.csv").string();
  std::ofstream(target) << "old\n";
  auto st = sdk::replace_file((dir.path / "never-written").string(), target);
  CHECK(st.code() == sdk::Status::Code::kIoError);
  CHECK(st.message().rfind(target + ": cannot replace the file (", 0) == 0);
  CHECK(read(target) == "old\n");
}
