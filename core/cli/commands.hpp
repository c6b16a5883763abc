// The hopnhat command line: each command is a function from parsed arguments to an exit code
// (see sync::ExitCode). main.cpp only declares the CLI11 grammar and dispatches here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gen/generator.hpp"
#include "sync/sync_job.hpp"

namespace hopnhat::cli {

struct CommonArgs {
  std::filesystem::path config;
  std::vector<std::filesystem::path> plugin_dirs;
  std::string format = "text";
};

/// One CSV cell: quoted when it holds a comma, quote or line end; a leading = + - @ tab or CR
/// gets a ' so that a spreadsheet shows the text instead of running it as a formula.
std::string csv_field(const std::string& value);

int cmd_plugins_list(const CommonArgs& args, bool json);
/// `plugins check`: exit 0 when every plugin checked would load, 1 otherwise.
int cmd_plugins_check(const CommonArgs& args, const std::vector<std::filesystem::path>& manifests, bool json);
/// `plugin new`: a plugin project from the installed template (`kind`: importer, exporter, both).
int cmd_plugin_new(const std::string& name, const std::string& kind, const std::filesystem::path& dir,
                   const std::filesystem::path& template_dir);
int cmd_validate(const CommonArgs& args);
int cmd_sync(const CommonArgs& args, const std::filesystem::path& report, const sync::SyncOptions& options);
int cmd_links(const CommonArgs& args);
/// `as_of` (YYYY-MM-DD, or ""): only the persons who held a posting that day (or whose postings
/// no source dates), with that posting as their org_unit and position.
int cmd_persons(const CommonArgs& args, const std::string& as_of = "");
/// `units list`: headcount per unit valid on `as_of` (empty: today).
int cmd_units_list(const CommonArgs& args, const std::string& as_of);
/// `places TEXT…`: the administrative unit of today for places written before the 2025 reform.
int cmd_places(const std::vector<std::string>& texts, const std::string& format, const std::string& config_path);
/// `units alias TEXT CODE` (or `--remove TEXT`): an administrator's answer, audited.
int cmd_units_alias(const CommonArgs& args, const std::string& text, const std::string& code, bool remove);
int cmd_runs(const CommonArgs& args);
int cmd_runs_show(const CommonArgs& args, std::int64_t id);
int cmd_model_show(const CommonArgs& args);
int cmd_explain(const CommonArgs& args, const std::string& person, const std::vector<std::string>& pair);
/// `status`: open (open and deferred cases), settled, deferred, resolved, closed or all.
int cmd_conflicts_list(const CommonArgs& args, const std::string& status);
int cmd_conflicts_show(const CommonArgs& args, std::int64_t id);
int cmd_gen(const gen::GenOptions& options);
int cmd_help_exit_codes();

}  // namespace hopnhat::cli
