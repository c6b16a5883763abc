// hopnhat SDK — the importer and exporter interfaces, and the macros that export them.
//
// A plugin is a shared library with a manifest beside it (`NAME.plugin.json`). The host reads
// the manifest without loading the library, then loads it, checks the exported ABI stamp and
// only then calls the factories below. A plugin author writes plain classes (they need not
// derive from anything) and exports them with HOPNHAT_IMPORTER / HOPNHAT_EXPORTER:
//
//     class MyImporter {
//      public:
//       Status configure(const std::string& options_json, Context& ctx);
//       Status check();                                            // optional
//       Status read(const ReadRequest& request, RecordSink& sink, ReadResult& result);
//     };
//     HOPNHAT_PLUGIN_ABI()            // once per library: the ABI stamp the host checks
//     HOPNHAT_IMPORTER(MyImporter)
//
// The macros wrap each class in an adapter compiled into the plugin, so an exception thrown by
// the author's code is caught inside the plugin and reaches the host as a Status; nothing else
// (exceptions, RTTI, std::function) crosses the boundary.
//
// Threading: the host creates, configures and uses one instance from one thread at a time and
// never unloads a library while any instance of it exists. A Context and a RecordSink belong to
// the host and are valid only during the call they are passed to.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/status.hpp"
#include "hopnhat/sdk/units.hpp"
#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

/// What the host offers a plugin during a call. Implemented by the host.
class Context {
 public:
  virtual ~Context() = default;
  /// Folder that relative paths in the options are resolved against (the config file's folder).
  virtual std::string base_dir() const noexcept = 0;
  /// True when the run computes everything but must not change anything outside the store.
  virtual bool dry_run() const noexcept = 0;
  /// True once the host wants the plugin to stop early (a time-out or a signal).
  virtual bool cancelled() const noexcept = 0;
  /// Logs a message under the plugin's name. Never pass ID numbers or whole records at kInfo.
  virtual void log(LogLevel level, const std::string& message) noexcept = 0;
};

/// Where an importer delivers records. Implemented by the host.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  /// Hands one record to the host. Returns false when the host wants reading to stop.
  virtual bool emit(SourceRecord&& record) noexcept = 0;
  /// Reports a row that could not become a record ("staff.csv row 12, column D: …"). The host
  /// counts it as failed and keeps the source's previous version of that record, if any.
  virtual void reject(const std::string& origin, const std::string& message) noexcept = 0;
};

struct ReadRequest {
  std::string state;  // the bookmark the importer returned after the last committed run, or ""
  bool full = false;  // the host asks for a full snapshot even if the importer could go incremental
};

struct ReadResult {
  bool full_snapshot = true;  // every current record was emitted, so missing ones were deleted
  std::string state;          // new bookmark; the host commits it only if the whole run commits
};

/// What one source contributed to the run an export belongs to (the run report's figures).
struct SourceSummary {
  std::string name;
  std::int64_t read = 0, new_records = 0, changed = 0, unchanged = 0, deleted = 0, failed = 0;
  std::string error;  // empty when the source succeeded
};

struct ExportHeader {
  std::int64_t run_id = 0;
  std::string run_started_at;          // ISO 8601
  std::vector<std::string> fields;     // the canonical fields present, in registry order
  std::vector<SourceSummary> sources;  // every configured source, in configuration order
  /// What this exporter returned as ExportResult::state in the last run that committed with
  /// its export, and that run's id; "" and 0 when there is none (a first run, a new export, a
  /// `sync --full-export`). An exporter that recognises its output by it may answer begin()
  /// with ExportPlan::changes_only.
  std::string previous_state;
  std::int64_t previous_run = 0;
  /// The unit registry of the configuration's "organisation" (ABI 5): every unit period and
  /// crosswalk edge, in file order; empty when none is configured. sdk::UnitMap reads them.
  std::vector<UnitPeriod> units;
  std::vector<UnitSuccession> crosswalk;
};

/// The exporter's answer to begin().
struct ExportPlan {
  /// False (the default): the host writes every living person. True, only when previous_state
  /// is set and the exporter can bring the output it describes up to date: the host then calls
  /// write() for each person whose golden values, records, open cases or history changed since
  /// previous_run, and remove() for each retired since, both in person-id order, interleaved.
  bool changes_only = false;
};

struct ExportResult {
  std::int64_t written = 0;  // persons written (or that would be written in a dry run)
  std::int64_t removed = 0;  // persons removed (changes_only)
  std::string target;        // what was written: a path, a URL, …
  /// The exporter's words for the output it just wrote (say, its file's fingerprint and
  /// columns), handed back as ExportHeader::previous_state in the next run; "" when it cannot
  /// bring that output up to date later. Kept only when the run commits.
  std::string state;
};

/// The host's view of an importer. Plugin authors use HOPNHAT_IMPORTER instead of deriving.
class Importer {
 public:
  virtual ~Importer() = default;
  /// Takes the options (a JSON object as text, already valid against the manifest's schema).
  /// Fails with kInvalidOptions and a message naming the option when one is unusable.
  virtual Status configure(const std::string& options_json, Context& ctx) noexcept = 0;
  /// Checks that the source can be reached (file present, server answers) without reading it.
  virtual Status check() noexcept = 0;
  /// Emits every record (or, when the importer is incremental, every record changed since
  /// `request.state`). On failure nothing of this read is committed by the host.
  virtual Status read(const ReadRequest& request, RecordSink& sink, ReadResult& result) noexcept = 0;
};

/// The host's view of an exporter: begin, one write (or remove) per person, finish. Plugin
/// authors write `Status begin(const ExportHeader&)` or, to patch their last output,
/// `Status begin(const ExportHeader&, ExportPlan&)` and `Status remove(const std::string&)`.
class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual Status configure(const std::string& options_json, Context& ctx) noexcept = 0;
  virtual Status begin(const ExportHeader& header, ExportPlan& plan) noexcept = 0;
  virtual Status write(const PersonRecord& person) noexcept = 0;
  /// Only after begin() answered changes_only: the person (retired or merged into another)
  /// leaves the output.
  virtual Status remove(const std::string& person_id) noexcept = 0;
  /// Completes the output atomically (e.g. writes a temporary file, then renames it).
  virtual Status finish(ExportResult& result) noexcept = 0;
};

/// `path` from the options, resolved against the configuration's folder when relative.
inline std::string resolve_path(const Context& ctx, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative() && !ctx.base_dir().empty()) p = std::filesystem::path(ctx.base_dir()) / p;
  return p.lexically_normal().string();
}

namespace detail {
template <class F>
Status guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::internal(std::string("the plugin failed: ") + e.what());
  } catch (...) {
    return Status::internal("the plugin failed with an exception that is not a std::exception");
  }
}

template <class Impl>
class ImporterAdapter final : public Importer {
 public:
  Status configure(const std::string& o, Context& c) noexcept override {
    return guarded([&] { return impl_.configure(o, c); });
  }
  Status check() noexcept override {
    if constexpr (requires(Impl& i) { i.check(); }) return guarded([&] { return impl_.check(); });
    return Status::ok();
  }
  Status read(const ReadRequest& q, RecordSink& s, ReadResult& r) noexcept override {
    return guarded([&] { return impl_.read(q, s, r); });
  }

 private:
  Impl impl_;
};

template <class Impl>
class ExporterAdapter final : public Exporter {
 public:
  Status configure(const std::string& o, Context& c) noexcept override {
    return guarded([&] { return impl_.configure(o, c); });
  }
  Status begin(const ExportHeader& h, ExportPlan& plan) noexcept override {
    plan = ExportPlan{};
    if constexpr (requires(Impl& i) { i.begin(h, plan); }) return guarded([&] { return impl_.begin(h, plan); });
    else return guarded([&] { return impl_.begin(h); });
  }
  Status write(const PersonRecord& p) noexcept override { return guarded([&] { return impl_.write(p); }); }
  Status remove(const std::string& id) noexcept override {
    if constexpr (requires(Impl& i) { i.remove(id); }) return guarded([&] { return impl_.remove(id); });
    return Status::internal("the host asked to remove a person from an export that writes whole outputs");
  }
  Status finish(ExportResult& r) noexcept override { return guarded([&] { return impl_.finish(r); }); }

 private:
  Impl impl_;
};
}  // namespace detail

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk

// The ABI stamp the host reads (as a plain C symbol) before it touches any C++ symbol.
#define HOPNHAT_PLUGIN_ABI_SYMBOL "hopnhat_plugin_abi_version"
#define HOPNHAT_IMPORTER_FACTORY "hopnhat_create_importer"
#define HOPNHAT_EXPORTER_FACTORY "hopnhat_create_exporter"

#define HOPNHAT_DEFINE_ABI_STAMP_ \
  extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version;  \
  extern "C" BOOST_SYMBOL_EXPORT const int hopnhat_plugin_abi_version = HOPNHAT_ABI_VERSION;

/// Exports `Impl` as the plugin's importer. The library also needs HOPNHAT_PLUGIN_ABI() once.
#define HOPNHAT_IMPORTER(Impl)                                                      \
  namespace {                                                                       \
  ::hopnhat::sdk::Importer* hopnhat_make_importer_() noexcept {                     \
    try {                                                                           \
      return new ::hopnhat::sdk::detail::ImporterAdapter<Impl>();                   \
    } catch (...) {                                                                 \
      return nullptr;                                                               \
    }                                                                               \
  }                                                                                 \
  }                                                                                 \
  BOOST_DLL_ALIAS(hopnhat_make_importer_, hopnhat_create_importer)

/// Exports `Impl` as the plugin's exporter.
#define HOPNHAT_EXPORTER(Impl)                                                      \
  namespace {                                                                       \
  ::hopnhat::sdk::Exporter* hopnhat_make_exporter_() noexcept {                     \
    try {                                                                           \
      return new ::hopnhat::sdk::detail::ExporterAdapter<Impl>();                   \
    } catch (...) {                                                                 \
      return nullptr;                                                               \
    }                                                                               \
  }                                                                                 \
  }                                                                                 \
  BOOST_DLL_ALIAS(hopnhat_make_exporter_, hopnhat_create_exporter)

/// Stamps the library with the ABI version; use exactly once per plugin library.
#define HOPNHAT_PLUGIN_ABI() HOPNHAT_DEFINE_ABI_STAMP_
