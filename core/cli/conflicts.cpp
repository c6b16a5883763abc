// `hopnhat conflicts list|show`: what waits for an administrator — sources that disagree on a
// critical field (value_mismatch), possible matches between the two thresholds (match_review),
// persons with too many records (oversized_person) — and what the rules settled without a case.
#include <algorithm>
#include <iostream>

#include <nlohmann/json.hpp>

#include "admin/decisions.hpp"
#include "base/exit_codes.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "store/store.hpp"
#include "sync/open_store.hpp"

namespace hopnhat::cli {
namespace {

std::string candidate_text(const nlohmann::json& c) {
  if (c.contains("stated_by")) {  // a disputed posting: a unit, since when, who says so
    std::string by;
    for (const auto& s : c["stated_by"]) by += (by.empty() ? "" : ", ") + s.get<std::string>();
    return c.value("value", "") + (c.value("from", "").empty() ? "" : " since " + c.value("from", "")) + " (" + by + ")";
  }
  if (c.contains("code")) return c.value("code", "") + " = " + c.value("name", "");  // a unit case: a unit it may mean
  std::string s = c.value("source", "") + ":" + c.value("record_id", "");
  if (c.contains("value")) s += " = " + c["value"].get<std::string>();
  if (c.contains("person_id")) s += " (" + c["person_id"].get<std::string>() + ")";
  return s;
}

std::unique_ptr<store::Store> open_store(const CommonArgs& args) {
  auto cfg = config::load_config(args.config);
  return sync::open_store(cfg, false);
}

}  // namespace

int cmd_conflicts_list(const CommonArgs& args, const std::string& status) {
  try {
    auto store = open_store(args);
    // open: the queue (open and deferred cases); settled: what the rules decided without a case.
    std::vector<store::ConflictRow> rows;
    if (status == "open") rows = store->conflicts(true);
    else if (status == "settled") rows = store->live_conflicts();
    else rows = store->conflicts(false);
    std::erase_if(rows, [&](const store::ConflictRow& c) {
      if (status == "all") return false;
      if (status == "open") return c.status != "open" && c.status != "deferred";
      return c.status != status;
    });
    std::vector<nlohmann::json> items;
    items.reserve(rows.size());
    for (const auto& c : rows) items.push_back(admin::conflict_json(c));
    // The queue's order: the cases that matter most first, the oldest first among equals.
    std::stable_sort(items.begin(), items.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      return a["severity"].get<int>() > b["severity"].get<int>();
    });
    if (args.format == "json") {
      std::cout << nlohmann::json(items).dump(2) << "\n";
      return base::kExitOk;
    }
    for (const auto& j : items) {
      std::cout << "#" << j["id"].get<std::int64_t>() << "  " << j["severity_label"].get<std::string>() << "  "
                << j["kind"].get<std::string>() << "  " << j["person_id"].get<std::string>() << "  " << j["field"].get<std::string>();
      if (status != "open" && status != "settled") std::cout << "  (" << j["status"].get<std::string>() << ")";
      if (j["kind"] == "match_review") std::cout << "  score " << j["candidates"][0].value("score", 0.0);
      std::cout << "\n";
    }
    std::cout << items.size() << " " << status << "\n";
    return base::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

int cmd_conflicts_show(const CommonArgs& args, std::int64_t id) {
  try {
    auto store = open_store(args);
    for (const auto& c : store->conflicts(false)) {
      if (c.id != id) continue;
      auto j = admin::conflict_json(c);
      if (args.format == "json") {
        std::cout << j.dump(2) << "\n";
        return base::kExitOk;
      }
      if (c.kind == "unit_unresolved" || c.kind == "unit_split")
        std::cout << "conflict #" << c.id << " (" << c.status << "): " << c.kind << ": \"" << c.field << "\", written by "
                  << (j["candidates"].empty() ? std::string("persons such as") : std::to_string(j["candidates"][0].value("persons", 0)) + " persons, e.g.")
                  << " " << c.person_id << "; opened in run " << c.opened_run << "\n";
      else
        std::cout << "conflict #" << c.id << " (" << c.status << "): " << c.kind << " on " << c.field << ", person "
                  << c.person_id << ", opened in run " << c.opened_run << "\n";
      for (const auto& cand : j["candidates"]) std::cout << "  [" << cand["id"] << "] " << candidate_text(cand) << "\n";
      if (c.kind == "match_review")
        std::cout << "  why: hopnhat explain --config " << args.config.string() << " --pair " << j["candidates"][0]["source"].get<std::string>()
                  << ":" << j["candidates"][0]["record_id"].get<std::string>() << " " << j["candidates"][1]["source"].get<std::string>() << ":"
                  << j["candidates"][1]["record_id"].get<std::string>() << "\n";
      return base::kExitOk;
    }
    std::cerr << "hopnhat: no conflict #" << id << "\n";
    return base::kExitFailed;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

}  // namespace hopnhat::cli
