// `hopnhat explain`: why two records were or were not joined, as the waterfall of match weights
// computed with the model the last run trained.
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "match/engine.hpp"
#include "match/features.hpp"
#include "store/store.hpp"
#include "sync/sync_job.hpp"

namespace hopnhat::cli {
namespace {

struct Loaded {
  config::Config cfg;
  std::vector<store::StoredRecord> records;
  std::vector<const sdk::SourceRecord*> inputs;
  std::map<std::string, std::uint32_t> index;  // "source:id" → record
  std::map<std::string, std::string> person_of;
  match::ModelParameters model;
};

Loaded load(const CommonArgs& args) {
  Loaded l{config::load_config(args.config), {}, {}, {}, {}, {}};
  if (!std::filesystem::exists(l.cfg.sqlite_path))
    throw std::runtime_error(l.cfg.sqlite_path.string() + ": no store yet; run `hopnhat sync` first");
  auto store = store::open_sqlite_store(l.cfg.sqlite_path, false);
  auto model = store->latest_model();
  if (!model) throw std::runtime_error("the store holds no match model yet; run `hopnhat sync` first");
  l.model = match::ModelParameters::from_json(nlohmann::json::parse(*model));
  l.records = store->active_records();
  for (std::size_t i = 0; i < l.records.size(); ++i) {
    l.inputs.push_back(&l.records[i].record);
    l.index[l.records[i].record.source + ":" + l.records[i].record.id] = static_cast<std::uint32_t>(i);
  }
  for (const auto& link : store->links()) l.person_of[link.source + ":" + link.record_id] = link.person_id;
  if (l.model.m.size() != l.cfg.match.comparisons.size())
    throw std::runtime_error("the configuration's match comparisons changed since the last run; run `hopnhat sync` first");
  return l;
}

nlohmann::json to_json(const match::Explanation& e, const std::string& a, const std::string& b) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : e.terms)
    terms.push_back({{"comparison", t.comparison}, {"a", t.value_a}, {"b", t.value_b}, {"level", t.level},
                     {"m", t.m}, {"u", t.u}, {"weight", t.weight}});
  return {{"a", a}, {"b", b}, {"prior_weight", e.prior_weight}, {"terms", terms}, {"total_weight", e.total_weight},
          {"probability", e.probability}, {"decision", e.decision}};
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

void print_text(const match::Explanation& e, const std::string& a, const std::string& b, const Loaded& l) {
  std::cout << a << " (" << l.person_of.at(a) << ")  ~  " << b << " (" << l.person_of.at(b) << ")\n";
  std::cout << "  " << std::left;
  std::cout.width(22);
  std::cout << "prior" << "                                              " << fixed(e.prior_weight, 2) << "\n";
  for (const auto& t : e.terms) {
    std::cout << "  ";
    std::cout.width(22);
    std::cout << t.comparison;
    std::string values = "\"" + t.value_a + "\" | \"" + t.value_b + "\"";
    std::cout.width(46);
    std::cout << values.substr(0, 45) << " ";
    if (t.level == "missing") {
      std::cout << "  0.00  (missing on one side)\n";
      continue;
    }
    std::cout << (t.weight >= 0 ? "+" : "") << fixed(t.weight, 2) << "  " << t.level << " (m " << fixed(t.m, 4) << ", u "
              << fixed(t.u, 6) << ")\n";
  }
  std::cout << "  total weight " << fixed(e.total_weight, 2) << ", probability " << fixed(e.probability, 4) << ": "
            << e.decision << "\n\n";
}

}  // namespace

int cmd_explain(const CommonArgs& args, const std::string& person, const std::vector<std::string>& pair) {
  try {
    Loaded l = load(args);
    match::FeatureTable features(l.inputs, l.cfg.match);
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!pair.empty()) {
      if (pair.size() != 2) throw std::runtime_error("--pair takes two records: SOURCE:ID SOURCE:ID");
      for (const auto& p : pair)
        if (!l.index.count(p)) throw std::runtime_error("no active record " + p + " (write SOURCE:ID, as `hopnhat links` shows)");
      pairs.emplace_back(pair[0], pair[1]);
    } else {
      std::vector<std::string> members;
      for (const auto& [key, p] : l.person_of)
        if (p == person && l.index.count(key)) members.push_back(key);
      if (members.empty()) throw std::runtime_error("no person " + person + " with active records");
      for (std::size_t i = 0; i < members.size() && pairs.size() < 50; ++i)
        for (std::size_t j = i + 1; j < members.size() && pairs.size() < 50; ++j) pairs.emplace_back(members[i], members[j]);
      if (pairs.empty()) {
        std::cout << person << " has one record, " << members[0] << ": nothing was joined to it.\n";
        return sync::kExitOk;
      }
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [a, b] : pairs) {
      match::Explanation e = match::explain_pair(features, l.cfg.match, l.model, l.index[a], l.index[b]);
      if (args.format == "json") out.push_back(to_json(e, a, b));
      else print_text(e, a, b, l);
    }
    if (args.format == "json") std::cout << out.dump(2) << "\n";
    return sync::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return sync::kExitUsage;
  }
}

}  // namespace hopnhat::cli
