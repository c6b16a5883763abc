#include "merge/survivorship.hpp"

#include <algorithm>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"
#include "text/normalize.hpp"

namespace hopnhat::merge {
namespace {

struct Candidate {
  const store::StoredRecord* record;
  std::string value;       // normalised
  std::string compare_key; // what "the same value" means for this field
  bool valid;
  std::size_t rank;        // position of the source in the priority list
};

std::size_t rank_of(const std::vector<std::string>& order, const std::string& source) {
  auto it = std::find(order.begin(), order.end(), source);
  return it == order.end() ? order.size() : static_cast<std::size_t>(it - order.begin());
}

}  // namespace

GoldenRecord build_golden(const std::vector<const store::StoredRecord*>& records,
                          const std::vector<const text::NormalizedFields*>& normalized, const SurvivorshipRules& rules) {
  GoldenRecord out;
  for (const sdk::FieldInfo& field : sdk::kCanonicalFields) {
    const std::string name(field.name);
    auto fp = rules.field_priority.find(name);
    const auto& order = fp != rules.field_priority.end() ? fp->second : rules.source_priority;
    std::vector<Candidate> cands;
    for (std::size_t k = 0; k < records.size(); ++k) {
      const store::StoredRecord* r = records[k];
      auto it = normalized[k]->values.find(name);
      if (it == normalized[k]->values.end()) continue;
      const std::string& value = it->second;
      std::string key = field.type == sdk::FieldType::kName ? sdk::fold(value) : value;
      cands.push_back({r, value, key, normalized[k]->valid(name), rank_of(order, r->record.source)});
    }
    if (cands.empty()) continue;
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      if (a.valid != b.valid) return a.valid;  // an understood value beats one that is not
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.record->changed_run != b.record->changed_run) return a.record->changed_run > b.record->changed_run;
      if (a.record->record.source != b.record->record.source) return a.record->record.source < b.record->record.source;
      return a.record->record.id < b.record->record.id;
    });
    const Candidate& win = cands.front();
    bool all_same = std::all_of(cands.begin(), cands.end(), [&](const Candidate& c) { return c.compare_key == win.compare_key; });
    std::string rule = cands.size() == 1 ? "only_value" : all_same ? "agreement" : "source_priority";
    out.fields[name] = {{"value", win.value},
                        {"source", win.record->record.source},
                        {"record_id", win.record->record.id},
                        {"run", win.record->changed_run},
                        {"rule", rule}};
    if (!all_same && field.critical) {
      ConflictFinding f{name, "value_mismatch", nlohmann::json::array()};
      for (const auto& c : cands)
        f.candidates.push_back({{"source", c.record->record.source}, {"record_id", c.record->record.id}, {"value", c.value}});
      out.conflicts.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace hopnhat::merge
