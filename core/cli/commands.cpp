#include "cli/commands.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/exit_codes.hpp"
#include "config/config.hpp"
#include "gen/generator.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "merge/golden_text.hpp"
#include "org/places.hpp"
#include "org/timeline.hpp"
#include "org/units.hpp"
#include "plugin/registry.hpp"
#include "store/store.hpp"
#include "sync/open_store.hpp"
#include "sync/plugin_setup.hpp"
#include "store/run_lock.hpp"
#include "sync/sync_job.hpp"
#include "sync/timelines.hpp"

namespace hopnhat::cli {
namespace {

config::Config load(const CommonArgs& args) { return config::load_config(args.config); }

plugin::PluginRegistry registry_for(const CommonArgs& args, const std::vector<std::filesystem::path>& config_dirs) {
  return plugin::PluginRegistry(plugin::PluginRegistry::search_path(args.plugin_dirs, config_dirs));
}

// Opens the store of a configuration for reading; fails when no sync has created it yet.
std::unique_ptr<store::Store> open_existing(const config::Config& cfg) {
  return sync::open_store(cfg, false);
}

template <class F>
int with_config(F&& body) {
  try {
    return body();
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

}  // namespace

std::string csv_field(const std::string& v) {
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  bool formula = !v.empty() && std::string("=+-@\t\r").find(v[0]) != std::string::npos;
  std::string s = formula ? "'" + v : v;
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) { if (c == '"') out += '"'; out += c; }
  return out + "\"";
}

int cmd_plugins_list(const CommonArgs& args, bool json) {
  auto registry = registry_for(args, {});
  if (json) {
    nlohmann::json out{{"plugins", nlohmann::json::array()}, {"problems", nlohmann::json::array()}};
    for (const auto& m : registry.plugins())
      out["plugins"].push_back({{"name", m.name}, {"version", m.version}, {"kinds", m.kinds()}, {"formats", m.formats},
                                {"systems", m.systems}, {"abi", m.abi}, {"description", m.description},
                                {"path", m.library_path.string()}, {"manifest", m.manifest_path.string()}});
    for (const auto& p : registry.problems()) out["problems"].push_back({{"path", p.path.string()}, {"error", p.message}});
    std::cout << out.dump(2) << "\n";
    return base::kExitOk;
  }
  for (const auto& m : registry.plugins()) {
    std::string kinds, formats;
    for (auto& k : m.kinds()) kinds += (kinds.empty() ? "" : ",") + k;
    for (auto& f : m.formats) formats += (formats.empty() ? "" : ",") + f;
    for (auto& s : m.systems) formats += (formats.empty() ? "" : ",") + s;
    std::cout << m.name << " " << m.version << "  [" << kinds << "]  " << formats << "  abi " << m.abi << "  "
              << m.library_path.string() << "\n";
  }
  for (const auto& p : registry.problems()) std::cerr << "problem: " << p.path.string() << ": " << p.message << "\n";
  if (registry.plugins().empty()) std::cerr << "no plugins found\n";
  return base::kExitOk;
}

int cmd_plugins_check(const CommonArgs& args, const std::vector<std::filesystem::path>& manifests, bool json) {
  auto registry = registry_for(args, {});
  struct Checked {
    std::string name, manifest;
    std::vector<std::string> problems;
  };
  std::vector<Checked> checked;
  auto check = [&](const plugin::PluginManifest& m) {
    Checked c{m.name, m.manifest_path.string(), plugin::problems_before_loading(m)};
    if (const auto* clash = registry.ambiguous(m.name)) {
      std::string files;
      for (const auto& f : *clash) files += (files.empty() ? "" : ", ") + f.string();
      c.problems.push_back("the name is taken by more than one plugin (" + files + "): a configuration that uses it is refused");
    }
    const std::string expected = m.name + ".plugin.json";
    if (m.manifest_path.filename() != expected)
      c.problems.push_back("the manifest's file is named " + m.manifest_path.filename().string() + ", not " + expected);
    checked.push_back(std::move(c));
  };
  if (manifests.empty()) {
    for (const auto& m : registry.plugins()) check(m);
    for (const auto& p : registry.problems()) checked.push_back({"", p.path.string(), {p.message}});
  } else {
    for (const auto& path : manifests) {
      try {
        check(plugin::read_manifest(std::filesystem::absolute(path)));
      } catch (const std::exception& e) {
        checked.push_back({"", path.string(), {e.what()}});
      }
    }
  }
  bool all_ok = true;
  nlohmann::json out{{"plugins", nlohmann::json::array()}};
  for (const auto& c : checked) {
    all_ok = all_ok && c.problems.empty();
    out["plugins"].push_back({{"name", c.name}, {"manifest", c.manifest}, {"ok", c.problems.empty()}, {"problems", c.problems}});
    if (json) continue;
    std::cout << (c.problems.empty() ? "ok    " : "FAIL  ") << (c.name.empty() ? "?" : c.name) << "  " << c.manifest << "\n";
    for (const auto& p : c.problems) std::cout << "      - " << p << "\n";
  }
  if (json) std::cout << out.dump(2) << "\n";
  if (checked.empty()) std::cerr << "no plugins found\n";
  return all_ok ? base::kExitOk : base::kExitFailed;
}

int cmd_validate(const CommonArgs& args) {
  return with_config([&] {
    auto cfg = load(args);
    auto registry = registry_for(args, cfg.plugin_dirs);
    auto prepared = sync::prepare_plugins(cfg, registry, true);
    for (auto& s : prepared.sources) {
      sdk::Status st = s.importer->check();
      if (!st) throw config::ConfigError(cfg.file.string() + ": " + s.use->json_path + ": " + st.message());
    }
    std::cout << cfg.file.string() << ": valid (" << cfg.sources.size() << " sources, " << cfg.exports.size()
              << " exports; store " << sync::store_name(cfg) << ")\n";
    return static_cast<int>(base::kExitOk);
  });
}

int cmd_sync(const CommonArgs& args, const std::filesystem::path& report_path, const sync::SyncOptions& options) {
  return with_config([&] {
    auto cfg = load(args);
    auto registry = registry_for(args, cfg.plugin_dirs);
    sync::RunReport report;
    try {
      report = sync::run_sync(cfg, registry, options);
    } catch (const store::LockedError& e) {
      std::cerr << "hopnhat: " << e.what() << "\n";
      return static_cast<int>(base::kExitLocked);
    }
    if (!report_path.empty()) {
      std::ofstream out(report_path, std::ios::binary);
      out << report.json_text(2) << "\n";
      if (!out) std::cerr << "hopnhat: " << report_path.string() << ": cannot write the report\n";
    }
    std::cout << report.summary();
    if (report.status == "succeeded") return static_cast<int>(base::kExitOk);
    return static_cast<int>(report.status == "partial" ? base::kExitPartial : base::kExitFailed);
  });
}

int cmd_links(const CommonArgs& args) {
  return with_config([&] {
    auto cfg = load(args);
    auto store = open_existing(cfg);
    auto links = store->links();
    if (args.format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& l : links)
        out.push_back({{"person_id", l.person_id}, {"source", l.source}, {"record_id", l.record_id}, {"status", l.status},
                       {"score", l.score ? nlohmann::json(*l.score) : nlohmann::json()}, {"rule", l.rule}, {"run", l.run_id}});
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << "person_id,source,record_id,status,score\n";
      for (const auto& l : links)
        std::cout << l.person_id << "," << csv_field(l.source) << "," << csv_field(l.record_id) << "," << l.status << ","
                  << (l.score ? fmt::format("{:.3f}", *l.score) : "") << "\n";
    }
    return static_cast<int>(base::kExitOk);
  });
}

namespace {

std::string golden_text(const nlohmann::json& g, const char* field) {
  auto it = g.find(field);
  return it != g.end() && it->contains("value") && (*it)["value"].is_string() ? (*it)["value"].get<std::string>() : "";
}

nlohmann::json timeline_json(const std::vector<sdk::PersonPeriod>& timeline) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : timeline) {
    out.push_back({{"kind", t.kind}, {"from", t.from}, {"to", t.to}, {"fields", t.fields}, {"unit_code", t.unit_code},
                   {"sources", t.sources}, {"inferred", t.inferred}});
    if (!t.level.empty()) out.back()["level"] = t.level;  // postings: head, deputy or staff
  }
  return out;
}

// As of `date`: false when the person's dated postings say they held none that day; else their
// org_unit and position become the posting's (rule "posting", its first source), where a source
// dates their postings.
bool place_as_of(nlohmann::json& g, const std::vector<sdk::PersonPeriod>& timeline, const std::string& date) {
  if (date.empty() || !org::has_postings(timeline)) return true;
  const sdk::PersonPeriod* posting = org::posting_on(timeline, date);
  if (!posting) return false;
  if (posting->inferred) return true;  // the golden unit itself: its values and provenance stand
  const std::string& first = posting->sources.front();
  const auto colon = first.find(':');
  for (const char* field : {"unit", "position"}) {
    auto it = posting->fields.find(field);
    if (it == posting->fields.end()) continue;
    g[std::string(field) == "unit" ? "org_unit" : "position"] = {
        {"value", it->second}, {"source", first.substr(0, colon)}, {"record_id", first.substr(colon + 1)}, {"rule", "posting"}};
  }
  return true;
}

}  // namespace

int cmd_persons(const CommonArgs& args, const std::string& as_of) {
  if (!as_of.empty() && !org::is_iso_date(as_of)) {
    std::cerr << "hopnhat persons: --as-of expects a date YYYY-MM-DD, got \"" << as_of.substr(0, 40) << "\"\n";
    return static_cast<int>(base::kExitUsage);
  }
  return with_config([&] {
    auto cfg = load(args);
    auto store = open_existing(cfg);
    auto persons = store->persons();
    std::map<std::string, nlohmann::json> records;
    for (const auto& l : store->links())
      if (l.status != "deleted") records[l.person_id].push_back({{"source", l.source}, {"record_id", l.record_id}});
    const sync::Timelines timelines(*store, cfg.organisation.get(), org::PositionLevels(cfg.head_titles, cfg.deputy_titles));
    if (args.format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& p : persons) {
        if (p.retired_run) continue;
        nlohmann::json fields = merge::decode_golden(p.golden);
        const auto timeline = timelines.of(p.id, golden_text(fields, "org_unit"), golden_text(fields, "position"));
        if (!place_as_of(fields, timeline, as_of)) continue;
        org::annotate_places(fields, *cfg.places);  // "now": the administrative unit of today, where the value names an older one
        nlohmann::json person = {{"person_id", p.id}, {"fields", fields},
                                 {"records", records.count(p.id) ? records[p.id] : nlohmann::json::array()},
                                 {"created_run", p.created_run}, {"updated_run", p.updated_run}};
        if (!timeline.empty()) person["timeline"] = timeline_json(timeline);
        out.push_back(std::move(person));
      }
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << "person_id";
      for (const auto& f : sdk::kCanonicalFields) std::cout << "," << f.name;
      std::cout << "\n";
      for (const auto& p : persons) {
        if (p.retired_run) continue;
        auto g = merge::decode_golden(p.golden);
        if (!place_as_of(g, timelines.of(p.id, golden_text(g, "org_unit"), golden_text(g, "position")), as_of)) continue;
        std::cout << p.id;
        for (const auto& f : sdk::kCanonicalFields) {
          std::string name(f.name);
          std::cout << "," << (g.contains(name) ? csv_field(g[name]["value"].get<std::string>()) : "");
        }
        std::cout << "\n";
      }
    }
    return static_cast<int>(base::kExitOk);
  });
}

int cmd_runs(const CommonArgs& args) {
  return with_config([&] {
    auto cfg = load(args);
    auto store = open_existing(cfg);
    auto runs = store->runs(50);
    if (args.format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : runs)
        out.push_back({{"run_id", r.id}, {"started_at", r.started_at}, {"finished_at", r.finished_at}, {"status", r.status},
                       {"report", r.report.empty() ? nlohmann::json() : nlohmann::json::parse(r.report)}});
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& r : runs) std::cout << r.id << "  " << r.started_at << "  " << r.status << "\n";
    }
    return static_cast<int>(base::kExitOk);
  });
}

int cmd_model_show(const CommonArgs& args) {
  return with_config([&] {
    auto cfg = load(args);
    auto store = open_existing(cfg);
    auto text = store->latest_model();
    if (!text) throw std::runtime_error("no trained model in the store yet: run `hopnhat sync` first");
    nlohmann::json model = nlohmann::json::parse(*text);
    const double lambda = model.at("lambda").get<double>();
    if (args.format == "json") {
      nlohmann::json out{{"prior", {{"lambda", lambda}, {"weight", std::log2(lambda / (1 - lambda))}}},
                         {"comparisons", nlohmann::json::array()}};
      for (const auto& c : model.at("comparisons")) {
        nlohmann::json levels = nlohmann::json::array();
        for (const auto& l : c.at("levels")) {
          double m = l.at("m").get<double>(), u = l.at("u").get<double>();
          levels.push_back({{"level", l.at("level")}, {"m", m}, {"u", u}, {"weight", std::log2(m / u)}});
        }
        out["comparisons"].push_back({{"label", c.at("label")}, {"levels", levels}});
      }
      out["settings"] = model.value("settings", nlohmann::json::object());
      std::cout << out.dump(2) << "\n";
      return static_cast<int>(base::kExitOk);
    }
    std::printf("prior: share of matches among all pairs %.3g (weight %+.2f)\n", lambda, std::log2(lambda / (1 - lambda)));
    for (const auto& c : model.at("comparisons")) {
      std::printf("%s\n", c.at("label").get<std::string>().c_str());
      for (const auto& l : c.at("levels")) {
        double m = l.at("m").get<double>(), u = l.at("u").get<double>();
        std::printf("  %-36s m %.6f  u %.6f  weight %+7.2f\n", l.at("level").get<std::string>().c_str(), m, u, std::log2(m / u));
      }
    }
    return static_cast<int>(base::kExitOk);
  });
}

int cmd_runs_show(const CommonArgs& args, std::int64_t id) {
  return with_config([&] {
    auto cfg = load(args);
    auto store = open_existing(cfg);
    for (const auto& r : store->runs(1000000)) {
      if (r.id != id) continue;
      nlohmann::json report = r.report.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.report);
      if (args.format == "json") {
        std::cout << nlohmann::json{{"run_id", r.id}, {"started_at", r.started_at}, {"finished_at", r.finished_at},
                                    {"status", r.status}, {"report", report}}.dump(2) << "\n";
      } else {
        std::cout << "run " << r.id << ": " << r.status << ", " << r.started_at << " to " << r.finished_at << "\n";
        if (report.contains("sources"))
          for (const auto& src : report["sources"])
            std::cout << "  source " << src["name"].get<std::string>() << ": read " << src["read"] << ", new " << src["new"]
                      << ", changed " << src["changed"] << ", deleted " << src["deleted"] << ", failed " << src["failed"]
                      << (src.contains("error") ? ", error: " + src["error"].get<std::string>() : "") << "\n";
        if (report.contains("error")) std::cout << "  error: " << report["error"].get<std::string>() << "\n";
      }
      return static_cast<int>(base::kExitOk);
    }
    std::cerr << "hopnhat: no run " << id << " in " << sync::store_name(cfg) << "\n";
    return static_cast<int>(base::kExitFailed);
  });
}

int cmd_gen(const gen::GenOptions& options) {
  gen::GenSummary s = gen::generate(options);
  std::cout << "wrote " << s.persons << " persons to " << options.out_dir.string() << ": party " << s.party_records << ", civil "
            << s.civil_records << ", office " << s.office_records << " records (truth.csv, truth_persons.csv, hopnhat.json"
            << (options.merger ? "; units.csv, crosswalk.csv, truth_units.csv" : "") << ")\n";
  return base::kExitOk;
}

int cmd_help_exit_codes() {
  std::cout << "0  success\n"
               "1  failure: the run failed and nothing was committed (the error says why)\n"
               "2  usage or configuration error: nothing was run\n"
               "3  partial: sources with on_error: keep_previous failed and kept their previous records; the rest committed\n"
               "4  another run holds the store's lock: nothing was done\n";
  return base::kExitOk;
}

}  // namespace hopnhat::cli
