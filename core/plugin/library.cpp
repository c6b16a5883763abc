#include "plugin/library.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/dll/shared_library.hpp>

#include "hopnhat/sdk/version.hpp"
#include "plugin/elf_stamp.hpp"

namespace hopnhat::plugin {

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
};

namespace {

void check_one(const std::filesystem::path& path, const std::string& what, bool is_dir) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw PluginError(path.string() + ": cannot read the " + what);
  bool world_writable = (st.st_mode & S_IWOTH) != 0;
  if (is_dir && (st.st_mode & S_ISVTX)) world_writable = false;  // sticky: others cannot replace files
  if (world_writable)
    throw PluginError(path.string() + ": refused: the " + what + " is writable by every user; run `chmod o-w " +
                      path.string() + "` if you trust it");
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    throw PluginError(path.string() + ": refused: the " + what + " belongs to user id " + std::to_string(st.st_uid) +
                      ", neither the user running hopnhat nor root");
}

std::string abi_advice(int found) {
  return "this hopnhat " + std::string(HOPNHAT_VERSION_STRING) + " loads plugins of ABI " +
         std::to_string(HOPNHAT_ABI_VERSION) + " but the plugin was built for ABI " + std::to_string(found) +
         "; rebuild the plugin against this hopnhat's SDK (find_package(hopnhat) from its install prefix)";
}

}  // namespace

void check_trusted_file(const std::filesystem::path& path) {
  check_one(path, "file", false);
  check_one(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path(), "folder holding it", true);
}

PluginLibrary::PluginLibrary(PluginManifest manifest, std::unique_ptr<Handle> handle)
    : manifest_(std::move(manifest)), handle_(std::move(handle)) {}

PluginLibrary::~PluginLibrary() = default;

std::vector<std::string> problems_before_loading(const PluginManifest& m) {
  std::vector<std::string> out;
  try {
    check_trusted_file(m.manifest_path);
  } catch (const PluginError& e) {
    out.push_back(e.what());
  }
  if (m.abi != HOPNHAT_ABI_VERSION) out.push_back("refused: " + abi_advice(m.abi));
  if (!std::filesystem::exists(m.library_path)) {
    out.push_back("the library named by the manifest does not exist");
    return out;
  }
  try {
    check_trusted_file(m.library_path);
  } catch (const PluginError& e) {
    out.push_back(e.what());
  }
  // Everything is checked on the file before dlopen: loading runs the library's static
  // initialisers inside this process, which a plugin of another ABI must never get to do.
  ElfExports exports;
  try {
    exports = read_elf_exports(m.library_path, HOPNHAT_PLUGIN_ABI_SYMBOL);
  } catch (const std::exception& e) {
    out.push_back(std::string("not a loadable shared library (") + e.what() + ")");
    return out;
  }
  if (!exports.abi_stamp)
    out.push_back("not a hopnhat plugin: it has no " HOPNHAT_PLUGIN_ABI_SYMBOL " symbol (export one with HOPNHAT_PLUGIN_ABI())");
  else if (*exports.abi_stamp != HOPNHAT_ABI_VERSION)
    out.push_back("refused: " + abi_advice(*exports.abi_stamp));
  if (m.importer && !exports.symbols.count(HOPNHAT_IMPORTER_FACTORY))
    out.push_back("the manifest says importer but the library has no " HOPNHAT_IMPORTER_FACTORY " symbol (use HOPNHAT_IMPORTER(YourClass))");
  if (m.exporter && !exports.symbols.count(HOPNHAT_EXPORTER_FACTORY))
    out.push_back("the manifest says exporter but the library has no " HOPNHAT_EXPORTER_FACTORY " symbol (use HOPNHAT_EXPORTER(YourClass))");
  return out;
}

std::shared_ptr<PluginLibrary> PluginLibrary::load(const PluginManifest& m) {
  const std::string who = "plugin '" + m.name + "' (" + m.library_path.string() + ")";
  if (auto problems = problems_before_loading(m); !problems.empty()) throw PluginError(who + ": " + problems.front());

  auto handle = std::make_unique<Handle>();
  try {
    // rtld_local keeps each plugin's symbols to itself; rtld_now finds missing symbols at load.
    handle->library.load(m.library_path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    throw PluginError(who + ": not a loadable shared library (" + e.what() + ")");
  }
  // The loader must agree with the file (it could differ only if the file changed in between).
  if (!handle->library.has(HOPNHAT_PLUGIN_ABI_SYMBOL) ||
      handle->library.get<const int>(HOPNHAT_PLUGIN_ABI_SYMBOL) != HOPNHAT_ABI_VERSION)
    throw PluginError(who + ": the library changed while it was being loaded; run again");
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(m, std::move(handle)));
}

ImporterPtr PluginLibrary::create_importer() const {
  if (!manifest_.importer) throw PluginError("plugin '" + manifest_.name + "' is not an importer");
  auto& factory = handle_->library.get_alias<sdk::Importer*() noexcept>(HOPNHAT_IMPORTER_FACTORY);
  sdk::Importer* raw = factory();
  if (!raw) throw PluginError("plugin '" + manifest_.name + "' could not create its importer");
  return ImporterPtr(raw, ImporterDeleter{shared_from_this()});
}

ExporterPtr PluginLibrary::create_exporter() const {
  if (!manifest_.exporter) throw PluginError("plugin '" + manifest_.name + "' is not an exporter");
  auto& factory = handle_->library.get_alias<sdk::Exporter*() noexcept>(HOPNHAT_EXPORTER_FACTORY);
  sdk::Exporter* raw = factory();
  if (!raw) throw PluginError("plugin '" + manifest_.name + "' could not create its exporter");
  return ExporterPtr(raw, ExporterDeleter{shared_from_this()});
}

}  // namespace hopnhat::plugin
