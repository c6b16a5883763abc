#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include <sys/stat.h>

#include "base/exit_codes.hpp"
#include "cli/admin_cli.hpp"
#include "cli/commands.hpp"
#include "cli/json_log_sink.hpp"
#include "gen/generator.hpp"
#include "plugin/isolated.hpp"
#include "hopnhat/sdk/version.hpp"
#include "sync/sync_job.hpp"

// jemalloc's settings, read when it starts (the program links it, core/CMakeLists.txt; MALLOC_CONF
// in the environment still overrides them). A run's threads live as long as it does
// (base/threads), and jemalloc otherwise gave an arena's freed pages back to the system mostly
// when a thread of it ended; so a background thread gives them back, five seconds after they
// are freed. One arena: a batch is made on one thread and freed on another, and with one arena
// what any thread frees any other reuses (the caches per thread keep the lock rare). At a
// million persons this holds the run's peak at 2.7 GiB instead of 3.0 (docs/benchmarks.md).
extern "C" {
const char* malloc_conf = "narenas:1,background_thread:true,dirty_decay_ms:5000";
}

int main(int argc, char** argv) {
  using namespace hopnhat;
  // What hopnhat writes is personal data: nothing it creates is readable by others (exports
  // 0640 at most, the store 0600 in store/sqlite_db), whatever the caller's umask; a stricter
  // umask (systemd's UMask=0077) stays as it is.
  ::umask(::umask(0) | 027);
  CLI::App app{"hopnhat " HOPNHAT_VERSION_STRING
               " - merges the staff records of a district's Tổ chức – Nội vụ agency:\n"
               "imports party, civil-service and spreadsheet sources through plugins, links the\n"
               "records of each person, keeps one golden record with provenance, and exports it."};
  app.set_version_flag("--version", std::string("hopnhat ") + HOPNHAT_VERSION_STRING + " (plugin ABI " +
                                        std::to_string(HOPNHAT_ABI_VERSION) + ")");
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug, info, warn or error (logs go to stderr)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  std::string log_format = "text";
  app.add_option("--log-format", log_format, "text, or json (one object per line, for log shippers)")
      ->check(CLI::IsMember({"text", "json"}));

  cli::CommonArgs args;
  auto add_plugin_dirs = [&](CLI::App* c) {
    // One folder per --plugin-dir, so that arguments after it stay arguments.
    c->add_option("--plugin-dir", args.plugin_dirs, "also look for plugins in DIR (repeatable)")->allow_extra_args(false);
  };
  auto add_config = [&](CLI::App* c) {
    c->add_option("--config", args.config, "the configuration file (JSON)")->required();
    add_plugin_dirs(c);
  };

  auto* plugins = app.add_subcommand("plugins", "inspect the plugins hopnhat can find");
  plugins->require_subcommand(1);
  auto* plugins_list = plugins->add_subcommand("list", "list plugins from their manifests, without loading them");
  bool json = false;
  plugins_list->add_flag("--json", json, "print JSON: {\"plugins\": [...], \"problems\": [...]}");
  add_plugin_dirs(plugins_list);
  auto* plugins_check = plugins->add_subcommand(
      "check", "check plugins without loading them: manifest, file permissions, ABI stamp, factories, name clashes");
  std::vector<std::filesystem::path> check_manifests;
  plugins_check->add_option("manifest", check_manifests, "NAME.plugin.json files to check (default: every plugin found)");
  plugins_check->add_flag("--json", json, "print JSON: {\"plugins\": [{\"name\", \"manifest\", \"ok\", \"problems\"}]}");
  add_plugin_dirs(plugins_check);

  auto* places = app.add_subcommand("places", "which province and commune exist now for a place written before the 2025 reform");
  std::vector<std::string> place_texts;
  std::string places_format = "text";
  places->add_option("text", place_texts, "home towns, birth places or addresses as written (\"xã A, huyện B, tỉnh C\")")->required();
  places->add_option("--format", places_format, "text (tab-separated) or json")->check(CLI::IsMember({"text", "json"}));
  std::string places_config;
  places->add_option("--config", places_config, "also the commune lists this configuration names (\"places\")");

  auto* plugin = app.add_subcommand("plugin", "start a plugin of your own");
  plugin->require_subcommand(1);
  auto* plugin_new = plugin->add_subcommand("new", "make a plugin project from the installed template: it builds and passes its tests at once");
  std::string new_name, new_kind = "both";
  std::filesystem::path new_dir, new_template;
  plugin_new->add_option("name", new_name, "the plugin's name (lower case, digits, '-' or '_'), as configurations will name it")->required();
  plugin_new->add_option("--kind", new_kind, "importer, exporter or both (default both)")->check(CLI::IsMember({"importer", "exporter", "both"}));
  plugin_new->add_option("--dir", new_dir, "the project folder to make (default ./NAME); must not exist or be empty");
  plugin_new->add_option("--template", new_template, "the template folder (default: share/hopnhat/template of hopnhat's prefix)");

  auto* validate = app.add_subcommand("validate", "check a configuration and every plugin it uses; touches no data");
  add_config(validate);

  auto* sync = app.add_subcommand("sync", "import every source, reconcile, store and export, as one run");
  add_config(sync);
  std::filesystem::path report;
  bool dry_run = false;
  sync->add_option("--report", report, "also write the run report as JSON to FILE");
  sync->add_flag("--dry-run", dry_run, "compute everything, commit nothing; exporters only say what they would write");
  sync::SyncOptions sync_options;
  sync->add_flag("--rematch", sync_options.rematch,
                 "match every record and train a new model, even when few records changed (by default a run "
                 "re-matches only the records near those that changed, up to match.incremental_limit)");
  sync->add_flag("--full-export", sync_options.full_export,
                 "every export writes its whole output (an exporter that can would otherwise bring its last one up to date)");
  sync->add_flag("--keep-model", sync_options.keep_model,
                 "with --rematch: match every record under the last run's model instead of training one")
      ->needs("--rematch");

  auto* links = app.add_subcommand("links", "the crosswalk: person_id,source,record_id,status,score per source record");
  add_config(links);
  links->add_option("--format", args.format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->required();

  auto* persons = app.add_subcommand("persons", "the golden records (json adds the provenance of every value)");
  add_config(persons);
  persons->add_option("--format", args.format, "csv or json")->check(CLI::IsMember({"csv", "json"}))->required();
  std::string persons_as_of;
  persons->add_option("--as-of", persons_as_of,
                      "YYYY-MM-DD: only those who held a posting that day (or whose postings no source dates), with that posting");

  auto* units = app.add_subcommand("units", "the organisation's units (docs/organisation.md)");
  units->require_subcommand(1);
  auto* units_list = units->add_subcommand("list", "the units valid on a date with their headcount, heads and deputies");
  add_config(units_list);
  std::string units_as_of;
  units_list->add_option("--as-of", units_as_of, "the date, YYYY-MM-DD (default today)");
  units_list->add_option("--format", args.format, "csv or json")->check(CLI::IsMember({"csv", "json", "text"}));
  auto* units_alias = units->add_subcommand("alias", "say which unit a text means (it holds on every later run; audited)");
  add_config(units_alias);
  std::string alias_text, alias_code;
  bool alias_remove = false;
  units_alias->add_option("text", alias_text, "the unit as records write it, exactly")->required();
  units_alias->add_option("code", alias_code, "the unit's code in the units file");
  units_alias->add_flag("--remove", alias_remove, "forget the answer for TEXT");

  auto* runs = app.add_subcommand("runs", "the runs recorded in the store");
  runs->require_subcommand(1);
  auto* runs_list = runs->add_subcommand("list", "the last runs, newest first");
  add_config(runs_list);
  runs_list->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto* explain = app.add_subcommand("explain", "why records were or were not joined: the waterfall of match weights");
  add_config(explain);
  std::string explain_person;
  std::vector<std::string> explain_pair;
  explain->add_option("person", explain_person, "a person id: every pair of its records");
  explain->add_option("--pair", explain_pair, "two records, SOURCE:ID SOURCE:ID")->expected(2);
  explain->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto* model = app.add_subcommand("model", "the trained match model");
  model->require_subcommand(1);
  auto* model_show = model->add_subcommand("show", "m, u and weight per comparison level, and the prior (the newest model)");
  add_config(model_show);
  model_show->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto* conflicts = app.add_subcommand("conflicts", "disagreements between sources and matches waiting for review");
  conflicts->require_subcommand(1);
  auto* conflicts_list = conflicts->add_subcommand("list", "the open cases, the most severe first (or those of another status)");
  add_config(conflicts_list);
  conflicts_list->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  std::string conflict_status = "open";
  conflicts_list->add_option("--status", conflict_status,
                             "open (open and deferred cases), settled (disagreements the rules decided: no case), "
                             "deferred, resolved, closed or all")
      ->check(CLI::IsMember({"open", "settled", "deferred", "resolved", "closed", "all"}));
  auto* conflicts_show = conflicts->add_subcommand("show", "one conflict with its candidates");
  add_config(conflicts_show);
  std::int64_t conflict_id = 0;
  conflicts_show->add_option("id", conflict_id, "the conflict's id")->required();
  conflicts_show->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto run_admin_command = cli::add_admin_commands(app, *conflicts, args, add_config);

  auto* runs_show = runs->add_subcommand("show", "one run's report");
  add_config(runs_show);
  std::int64_t run_id = 0;
  runs_show->add_option("id", run_id, "the run's id")->required();
  runs_show->add_option("--format", args.format, "text or json")->check(CLI::IsMember({"text", "json"}));

  auto* gen = app.add_subcommand("gen", "write synthetic staff data (never real people) with ground truth");
  long gen_persons = 100;
  std::filesystem::path gen_out;
  unsigned long seed = 1;
  gen->add_option("--persons", gen_persons, "how many persons")->required()->check(CLI::Range(1L, 20000000L));
  gen->add_option("--out", gen_out, "output folder")->required();
  gen->add_option("--seed", seed, "random seed (same seed, same files)");
  gen::NoiseKnobs gen_noise;
  bool gen_merger = false;
  gen->add_flag("--merger", gen_merger, "a merger scenario: units.csv, crosswalk.csv and the configuration's organisation; units spelt per source (docs/organisation.md)");
  auto share = CLI::Range(0.0, 1.0);
  gen->add_option("--missing-cccd", gen_noise.missing_cccd, "share of party and office rows without a CCCD (default 0.12 / 0.08)")->check(share);
  gen->add_option("--cccd-typo", gen_noise.cccd_typo, "share of rows of every source with one CCCD digit mistyped (default: 0.01 of civil rows)")->check(share);
  gen->add_option("--namesakes", gen_noise.namesakes, "share of persons with the full name and birth year of another (default 0.03)")->check(share);
  gen->add_option("--name-typo", gen_noise.name_typo, "share of rows of every source with a typing error in the name (default: 0.03 of civil rows)")->check(share);

  // The child side of `isolation: process` (docs/plugin-guide.md); not for people.
  auto* plugin_host = app.add_subcommand("plugin-host", "");
  plugin_host->group("");
  std::filesystem::path host_manifest;
  std::string host_kind;
  plugin_host->add_option("--manifest", host_manifest)->required();
  plugin_host->add_option("--kind", host_kind)->required()->check(CLI::IsMember({"importer", "exporter"}));

  auto* help = app.add_subcommand("help", "help on a topic");
  help->require_subcommand(1);
  auto* exit_codes = help->add_subcommand("exit-codes", "what each exit code of hopnhat means");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : base::kExitUsage;
  }

  if (log_format == "json") {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("hopnhat", std::make_shared<cli::JsonLogSink>()));
  } else {
    spdlog::set_default_logger(spdlog::stderr_color_mt("hopnhat"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S %^%l%$ %v");
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (*plugin_host) return plugin::serve_plugin(host_manifest, host_kind);
    if (*plugins_list) return cli::cmd_plugins_list(args, json);
    if (*plugins_check) return cli::cmd_plugins_check(args, check_manifests, json);
    if (*places) return cli::cmd_places(place_texts, places_format, places_config);
    if (*plugin_new) return cli::cmd_plugin_new(new_name, new_kind, new_dir, new_template);
    if (*validate) return cli::cmd_validate(args);
    if (*sync) {
      sync_options.dry_run = dry_run;
      sync_options.report_path = report;
      return cli::cmd_sync(args, report, sync_options);
    }
    if (*links) return cli::cmd_links(args);
    if (*persons) return cli::cmd_persons(args, persons_as_of);
    if (*runs_list) return cli::cmd_runs(args);
    if (*units_list) return cli::cmd_units_list(args, units_as_of);
    if (*units_alias) {
      if (alias_remove == !alias_code.empty()) {
        std::cerr << "hopnhat units alias: give TEXT CODE, or --remove TEXT\n";
        return base::kExitUsage;
      }
      return cli::cmd_units_alias(args, alias_text, alias_code, alias_remove);
    }
    if (*runs_show) return cli::cmd_runs_show(args, run_id);
    if (*explain) {
      if (explain_person.empty() == explain_pair.empty()) {
        std::cerr << "hopnhat explain: give a person id or --pair SOURCE:ID SOURCE:ID\n";
        return base::kExitUsage;
      }
      return cli::cmd_explain(args, explain_person, explain_pair);
    }
    if (*model_show) return cli::cmd_model_show(args);
    if (*conflicts_list) return cli::cmd_conflicts_list(args, conflict_status);
    if (*conflicts_show) return cli::cmd_conflicts_show(args, conflict_id);
    if (*gen) return cli::cmd_gen({gen_persons, seed, gen_out, gen_noise, gen_merger});
    if (auto rc = run_admin_command()) return *rc;
    if (*exit_codes) return cli::cmd_help_exit_codes();
  } catch (const std::exception& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitFailed;
  }
  return base::kExitUsage;
}
