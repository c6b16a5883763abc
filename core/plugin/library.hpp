// PluginLibrary: the one place that touches Boost.DLL.
//
// Loading checks, in order: the files may not be written by others (a nightly job reads
// personnel data, so a library anyone can replace is refused), the manifest's ABI, then — read
// from the ELF file, before dlopen runs any of the plugin's code — that it carries the
// `hopnhat_plugin_abi_version` stamp, that the stamp equals this host's ABI, and that the
// factories the manifest promises exist; only then is it loaded. Each failure is a PluginError
// with its own sentence.
//
// Lifetime: a library stays loaded while any PluginLibrary handle or any object it created is
// alive (each object's deleter holds a handle), so no code or vtable can outlive its library.
// Load from one thread; the objects created are used from one thread at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hopnhat/sdk/plugin.hpp"
#include "plugin/manifest.hpp"

namespace hopnhat::plugin {

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PluginLibrary;

struct ImporterDeleter {
  std::shared_ptr<const PluginLibrary> library;
  void operator()(sdk::Importer* p) const noexcept { delete p; }
};
struct ExporterDeleter {
  std::shared_ptr<const PluginLibrary> library;
  void operator()(sdk::Exporter* p) const noexcept { delete p; }
};
using ImporterPtr = std::unique_ptr<sdk::Importer, ImporterDeleter>;
using ExporterPtr = std::unique_ptr<sdk::Exporter, ExporterDeleter>;

/// Throws PluginError when `path` or its folder may be written by others than its owner and
/// root, or is owned by someone else than the running user or root.
void check_trusted_file(const std::filesystem::path& path);

/// Every check load() makes before it loads the library, without loading it (the ABI stamp and
/// the factories read from the ELF file): one sentence per problem, empty when it would load.
/// `hopnhat plugins check` shows them all; load() refuses with the first.
std::vector<std::string> problems_before_loading(const PluginManifest& manifest);

class PluginLibrary : public std::enable_shared_from_this<PluginLibrary> {
 public:
  /// Loads the library of `manifest` after every check above. Throws PluginError.
  static std::shared_ptr<PluginLibrary> load(const PluginManifest& manifest);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const PluginManifest& manifest() const { return manifest_; }
  /// A new importer; throws PluginError when the plugin is not an importer or cannot make one.
  ImporterPtr create_importer() const;
  ExporterPtr create_exporter() const;

 private:
  struct Handle;
  PluginLibrary(PluginManifest manifest, std::unique_ptr<Handle> handle);
  PluginManifest manifest_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace hopnhat::plugin
