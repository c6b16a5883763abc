#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "hopnhat/sdk/version.hpp"
#include "plugin/elf_stamp.hpp"
#include "plugin/registry.hpp"
#include "sync/plugin_setup.hpp"
#include "temp_dir.hpp"

using namespace hopnhat::plugin;
namespace fs = std::filesystem;

namespace {
const fs::path kPlugins = HOPNHAT_TEST_PLUGIN_DIR;

std::string load_error(const fs::path& dir, const std::string& name) {
  PluginRegistry registry({dir});
  try {
    registry.open(name);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "";
}

// Copies a built test plugin into a fresh folder so the test may change its files.
fs::path copy_plugin(const TempDir& tmp, const std::string& name) {
  fs::path dir = tmp.path / name;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  for (auto& e : fs::directory_iterator(kPlugins / name)) fs::copy(e.path(), dir / e.path().filename());
  return dir;
}
}  // namespace

TEST_CASE("a well-formed plugin is listed from its manifest and loads") {
  PluginRegistry registry({kPlugins / "good"});
  REQUIRE(registry.find("test-good"));
  CHECK(registry.problems().empty());
  auto importer = registry.open("test-good")->create_importer();
  CHECK(importer != nullptr);
}

TEST_CASE("a plugin stamped with another ABI is refused with what to rebuild") {
  auto msg = load_error(kPlugins / "wrong_abi", "test-wrong-abi");
  CHECK_THAT(msg, Catch::Contains("built for ABI 99"));
  CHECK_THAT(msg, Catch::Contains("rebuild the plugin"));
  // Refused from the file: the library was never loaded, so none of its code ran in the host.
  CHECK(std::getenv("HOPNHAT_TEST_WRONG_ABI_INITIALISED") == nullptr);
}

TEST_CASE("the stamp and the factories are read from the library file without loading it") {
  auto good = read_elf_exports(kPlugins / "good" / "libhopnhat_test_good.so", "hopnhat_plugin_abi_version");
  CHECK(good.abi_stamp == HOPNHAT_ABI_VERSION);
  CHECK(good.symbols.count("hopnhat_create_importer") == 1);
  auto wrong = read_elf_exports(kPlugins / "wrong_abi" / "libhopnhat_test_wrong_abi.so", "hopnhat_plugin_abi_version");
  CHECK(wrong.abi_stamp == 99);
  auto none = read_elf_exports(kPlugins / "no_stamp" / "libhopnhat_test_no_stamp.so", "hopnhat_plugin_abi_version");
  CHECK_FALSE(none.abi_stamp);

  // A damaged file is an error that says so, whatever was cut: never a crash.
  TempDir tmp;
  std::ifstream in(kPlugins / "good" / "libhopnhat_test_good.so", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  for (std::size_t keep : {std::size_t{0}, std::size_t{10}, std::size_t{64}, bytes.size() / 2, bytes.size() - 100}) {
    std::ofstream(tmp.path / "cut.so", std::ios::binary) << bytes.substr(0, keep);
    CHECK_THROWS_AS(read_elf_exports(tmp.path / "cut.so", "hopnhat_plugin_abi_version"), std::runtime_error);
  }
  std::string flipped = bytes;
  flipped[4] = 1;  // ELFCLASS32
  std::ofstream(tmp.path / "other.so", std::ios::binary) << flipped;
  CHECK_THROWS_WITH(read_elf_exports(tmp.path / "other.so", "x"), Catch::Contains("64-bit"));
}

TEST_CASE("a manifest that declares another ABI is refused before the library is loaded") {
  TempDir tmp;
  fs::path dir = copy_plugin(tmp, "good");
  const std::string other = std::to_string(HOPNHAT_ABI_VERSION + 1);
  std::ofstream(dir / "test-good.plugin.json")
      << R"({"name": "test-good", "version": "1", "kinds": ["importer"], "abi": )" << other << R"(, "library": "libhopnhat_test_good.so"})";
  auto msg = load_error(dir, "test-good");
  CHECK_THAT(msg, Catch::Contains("built for ABI " + other));
}

TEST_CASE("a library without the ABI stamp is not a hopnhat plugin") {
  CHECK_THAT(load_error(kPlugins / "no_stamp", "test-no-stamp"), Catch::Contains("not a hopnhat plugin"));
}

TEST_CASE("a factory the manifest promises but the library lacks is named") {
  CHECK_THAT(load_error(kPlugins / "missing_factory", "test-missing-factory"), Catch::Contains("hopnhat_create_exporter"));
}

TEST_CASE("a corrupt library gets its own error and the other plugins still load") {
  TempDir tmp;
  fs::path dir = copy_plugin(tmp, "good");
  std::ofstream(dir / "libbroken.so") << "this is not an ELF file";
  std::ofstream(dir / "broken.plugin.json")
      << R"({"name": "broken", "version": "1", "kinds": ["importer"], "abi": )" << HOPNHAT_ABI_VERSION << R"(, "library": "libbroken.so"})";
  std::ofstream(dir / "garbage.plugin.json") << "{not json";
  PluginRegistry registry({dir});
  CHECK(registry.problems().size() == 1);  // the manifest that is not JSON
  CHECK_THAT(load_error(dir, "broken"), Catch::Contains("not a loadable shared library"));
  CHECK_NOTHROW(registry.open("test-good"));
}

TEST_CASE("two folders with a plugin of one name make the name ambiguous, and a manifest named otherwise is ignored") {
  TempDir tmp;
  fs::path a = copy_plugin(tmp, "good");
  fs::path b = tmp.path / "other";
  fs::create_directories(b);
  fs::permissions(b, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  for (auto& e : fs::directory_iterator(a)) fs::copy(e.path(), b / e.path().filename());
  PluginRegistry registry({a, b});
  REQUIRE(registry.ambiguous("test-good"));
  CHECK(registry.ambiguous("test-good")->size() == 2);
  CHECK_THAT(registry.problems().at(0).message, Catch::Contains("ambiguous"));
  fs::rename(b / "test-good.plugin.json", b / "renamed.plugin.json");
  PluginRegistry again({b});
  CHECK_FALSE(again.find("test-good"));
  REQUIRE(again.problems().size() == 1);
  CHECK_THAT(again.problems()[0].message, Catch::Contains("must be named 'test-good.plugin.json'"));
}

TEST_CASE("a library or folder that others can write to is refused") {
  TempDir tmp;
  fs::path dir = copy_plugin(tmp, "good");
  fs::permissions(dir / "libhopnhat_test_good.so", fs::perms::others_write, fs::perm_options::add);
  CHECK_THAT(load_error(dir, "test-good"), Catch::Contains("writable by every user"));
  fs::permissions(dir / "libhopnhat_test_good.so", fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(dir, fs::perms::others_write, fs::perm_options::add);
  CHECK_THAT(load_error(dir, "test-good"), Catch::Contains("writable by every user"));
}

TEST_CASE("a library owned by another user is refused") {
  if (::geteuid() != 0) return;  // only root can give a file away
  TempDir tmp;
  fs::path dir = copy_plugin(tmp, "good");
  REQUIRE(::chown((dir / "libhopnhat_test_good.so").c_str(), 65534, 65534) == 0);
  CHECK_THAT(load_error(dir, "test-good"), Catch::Contains("belongs to user id 65534"));
}

TEST_CASE("an exception thrown inside a plugin comes back as a failed status") {
  PluginRegistry registry({kPlugins / "throwing"});
  auto importer = registry.open("test-throwing")->create_importer();
  hopnhat::sync::HostContext ctx("t", ".", false);
  REQUIRE(importer->configure("{}", ctx).is_ok());
  struct NullSink : hopnhat::sdk::RecordSink {
    bool emit(hopnhat::sdk::SourceRecord&&) noexcept override { return true; }
    void reject(const std::string&, const std::string&) noexcept override {}
  } sink;
  hopnhat::sdk::ReadResult result;
  auto st = importer->read({}, sink, result);
  CHECK_FALSE(st.is_ok());
  CHECK_THAT(st.message(), Catch::Contains("disk on fire"));
}

TEST_CASE("a second plugin of the same name is reported, not used") {
  PluginRegistry registry({kPlugins / "good", kPlugins / "good" / ".." / "good"});
  CHECK(registry.plugins().size() == 1);
  TempDir tmp;
  fs::path dir = copy_plugin(tmp, "good");
  PluginRegistry two({kPlugins / "good", dir});
  CHECK(two.plugins().size() == 1);
  REQUIRE(two.problems().size() == 1);
  CHECK_THAT(two.problems()[0].message, Catch::Contains("already found"));
}
