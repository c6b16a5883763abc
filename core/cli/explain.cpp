// `hopnhat explain`: why two records were or were not joined, as the waterfall of match weights
// computed with the model the last run trained.
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/exit_codes.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "match/engine.hpp"
#include "sync/explainer.hpp"
#include "store/store.hpp"
#include "sync/open_store.hpp"

namespace hopnhat::cli {
namespace {

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

void print_text(const match::Explanation& e, const std::string& a, const std::string& b, const sync::Explainer& l) {
  std::cout << a << " (" << l.person_of().at(a) << ")  ~  " << b << " (" << l.person_of().at(b) << ")\n";
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
  for (const auto& note : e.notes) std::cout << "  note: " << note << "\n";
  std::cout << "  total weight " << fixed(e.total_weight, 2) << ", probability " << fixed(e.probability, 4) << ": "
            << e.decision << "\n\n";
}

void print_cluster(const sync::ClusterView& v) {
  if (v.person_a == v.person_b)
    std::cout << "person " << v.person_a << ": " << v.records_a << " records";
  else
    std::cout << "persons " << v.person_a << " (" << v.records_a << " records) and " << v.person_b << " (" << v.records_b << " records)";
  if (v.pairs)
    std::cout << "; over " << v.pairs << (v.capped ? "+" : "") << " pairs mean probability " << fixed(v.mean_probability, 4)
              << ", weakest " << fixed(v.min_probability, 4) << " (" << v.weakest_a << " ~ " << v.weakest_b << ")";
  std::cout << "\n  " << v.decision << "\n";
}

}  // namespace

int cmd_explain(const CommonArgs& args, const std::string& person, const std::vector<std::string>& pair) {
  try {
    config::Config cfg = config::load_config(args.config);
    auto store = sync::open_store(cfg, false);
    sync::Explainer l(*store, cfg.match);
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!pair.empty()) {
      if (pair.size() != 2) throw std::runtime_error("--pair takes two records: SOURCE:ID SOURCE:ID");
      for (const auto& p : pair)
        if (!l.has(p)) throw std::runtime_error("no active record " + p + " (write SOURCE:ID, as `hopnhat links` shows)");
      pairs.emplace_back(pair[0], pair[1]);
    } else {
      std::vector<std::string> members;
      for (const auto& [key, p] : l.person_of())
        if (p == person && l.has(key)) members.push_back(key);
      if (members.empty()) throw std::runtime_error("no person " + person + " with active records");
      for (std::size_t i = 0; i < members.size() && pairs.size() < 50; ++i)
        for (std::size_t j = i + 1; j < members.size() && pairs.size() < 50; ++j) pairs.emplace_back(members[i], members[j]);
      if (pairs.empty()) {
        std::cout << person << " has one record, " << members[0] << ": nothing was joined to it.\n";
        return base::kExitOk;
      }
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [a, b] : pairs) {
      match::Explanation e = l.explain(a, b);
      if (args.format == "json") out.push_back(sync::Explainer::to_json(e, a, b));
      else print_text(e, a, b, l);
    }
    // The decision above one pair: the persons weighed as wholes.
    const sync::ClusterView view = l.cluster(pairs.front().first, pairs.front().second);
    if (args.format == "json") {
      std::cout << nlohmann::json{{"pairs", out}, {"cluster", sync::Explainer::to_json(view)}}.dump(2) << "\n";
    } else {
      print_cluster(view);
    }
    return base::kExitOk;
  } catch (const config::ConfigError& e) {
    std::cerr << "hopnhat: " << e.what() << "\n";
    return base::kExitUsage;
  }
}

}  // namespace hopnhat::cli
