// `hopnhat units list`: the units valid on a date, with how many living persons work in each
// (their unit as the records name it, resolved and carried through the crosswalk to that date),
// and how many of them head or deputise it; then the persons that could not be placed, by the
// text their records carry, with the candidates (docs/organisation.md).
#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "base/exit_codes.hpp"
#include "cli/commands.hpp"
#include "admin/audit.hpp"
#include "base/iso_time.hpp"
#include "config/config.hpp"
#include "org/headcount.hpp"
#include "org/places.hpp"
#include "store/store.hpp"
#include "sync/open_store.hpp"
#include "sync/unit_cases.hpp"

namespace hopnhat::cli {

int cmd_units_list(const CommonArgs& args, const std::string& as_of_given) {
  try {
    auto cfg = config::load_config(args.config);
    if (!cfg.organisation) {
      std::cerr << "hopnhat: " << cfg.file.string() << ": no \"organisation\": name the units file (docs/organisation.md)\n";
      return base::kExitUsage;
    }
    const std::string as_of = as_of_given.empty() ? org::today_iso() : as_of_given;
    if (!org::is_iso_date(as_of)) {
      std::cerr << "hopnhat units list: --as-of expects a date YYYY-MM-DD, got \"" << as_of.substr(0, 40) << "\"\n";
      return base::kExitUsage;
    }
    auto store = sync::open_store(cfg, false);
    const org::PositionLevels levels(cfg.head_titles, cfg.deputy_titles);
    const org::Headcount count = sync::count_units(*store, *cfg.organisation, levels, as_of);

    if (args.format == "json") {
      std::cout << sync::headcount_json(count, *cfg.organisation).dump(2) << "\n";
      return base::kExitOk;
    }
    std::cout << "code,name,kind,headcount,heads,deputies,predecessors\n";
    for (const auto& u : count.units) {
      std::string before;
      for (const auto& p : u.predecessors) before += (before.empty() ? "" : "|") + p;
      std::cout << csv_field(u.unit->code) << "," << csv_field(u.unit->name) << "," << u.unit->kind << "," << u.headcount << ","
                << u.heads << "," << u.deputies << "," << csv_field(before) << "\n";
    }
    // What could not be placed goes to stderr: the CSV stays one row per unit.
    std::int64_t unplaced = 0;
    for (const auto& n : count.unplaced) unplaced += n.persons;
    if (unplaced > 0) {
      std::cerr << unplaced << " of " << count.persons << " persons are in no unit on " << as_of << ":\n";
      for (std::size_t i = 0; i < count.unplaced.size() && i < 20; ++i) {
        const auto& n = count.unplaced[i];
        std::cerr << "  " << n.persons << "  " << n.reason << "  \"" << (n.text.empty() ? "(không ghi)" : n.text) << "\"";
        if (!n.candidates.empty()) {
          std::cerr << "  →";
          for (const auto& c : n.candidates) std::cerr << " " << c;
        }
        std::cerr << "\n";
      }
    }
    if (count.not_posted > 0)
      std::cerr << count.not_posted << " persons held no posting on " << as_of
                << " by their dated postings (before they joined, or after they left): in no unit\n";
    if (!count.disputed.empty())
      std::cerr << count.disputed.size() << " persons have sources that name different units as their posting on " << as_of
                << "; each is counted where most sources put them (--format json lists them)\n";
    return base::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

int cmd_units_alias(const CommonArgs& args, const std::string& text, const std::string& code, bool remove) {
  try {
    auto cfg = config::load_config(args.config);
    if (!cfg.organisation) {
      std::cerr << "hopnhat: " << cfg.file.string() << ": no \"organisation\": name the units file (docs/organisation.md)\n";
      return base::kExitUsage;
    }
    if (!remove && !cfg.organisation->latest(code)) {
      std::cerr << "hopnhat units alias: no unit has the code \"" << code.substr(0, 40) << "\" in the units file\n";
      return base::kExitUsage;
    }
    const char* login = std::getenv("USER");
    const std::string actor = std::string("cli:") + (login && *login ? login : "unknown");
    auto store = sync::open_store(cfg, false);
    store->begin();
    try {
      if (remove) {
        if (!store->delete_unit_alias(text)) {
          store->rollback();
          std::cerr << "hopnhat units alias: no alias \"" << text << "\"\n";
          return base::kExitFailed;
        }
        admin::audit(*store, actor, "unit.alias.remove", {{"text", text}});
      } else {
        store->put_unit_alias(text, code, actor, base::now_iso());
        admin::audit(*store, actor, "unit.alias", {{"text", text}, {"code", code}});
      }
      store->commit();
    } catch (...) {
      store->rollback();
      throw;
    }
    std::cout << (remove ? "removed: \"" + text + "\"" : "\"" + text + "\" → " + code) << "\n";
    return base::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

int cmd_places(const std::vector<std::string>& texts, const std::string& format, const std::string& config_path) {
  std::shared_ptr<const org::PlaceRegistry> registry;
  if (!config_path.empty()) {
    try {
      registry = config::load_config(config_path).places;
    } catch (const config::ConfigError& e) {
      std::cerr << "hopnhat: " << e.what() << "\n";
      return base::kExitUsage;
    }
  }
  const org::PlaceRegistry& places = registry ? *registry : org::PlaceRegistry::builtin();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& text : texts) {
    const org::PlaceNow now = places.resolve(text);
    if (format == "json") {
      out.push_back({{"text", text}, {"now", now.now}, {"how", now.how}, {"province_code", now.province_code},
                     {"changed", now.changed}, {"candidates", now.candidates}});
      continue;
    }
    std::cout << text << "\t";
    if (!now.now.empty()) std::cout << now.now << (now.changed ? "" : " (unchanged)");
    else if (!now.candidates.empty()) {
      std::cout << "? one of:";
      for (const auto& c : now.candidates) std::cout << " " << c << ";";
    } else std::cout << "? (not recognised)";
    std::cout << "\n";
  }
  if (format == "json") std::cout << out.dump(2) << "\n";
  return base::kExitOk;
}

}  // namespace hopnhat::cli
