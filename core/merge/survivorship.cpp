#include "merge/survivorship.hpp"

#include <algorithm>
#include <array>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"
#include "merge/golden_text.hpp"
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
  // Called for every person of a run: the priority list of each field is found once per call,
  // and the candidates' buffer is reused from person to person.
  std::array<const std::vector<std::string>*, text::NormalizedFields::kFields> orders;
  orders.fill(&rules.source_priority);
  for (const auto& [name, order] : rules.field_priority)
    for (std::size_t index = 0; index < sdk::kCanonicalFields.size(); ++index)
      if (sdk::kCanonicalFields[index].name == name) orders[index] = &order;
  thread_local std::vector<Candidate> cands;
  GoldenRecord out;
  out.values.reserve(sdk::kCanonicalFields.size());
  for (std::size_t index = 0; index < sdk::kCanonicalFields.size(); ++index) {
    const sdk::FieldInfo& field = sdk::kCanonicalFields[index];
    const auto& order = *orders[index];
    cands.clear();
    for (std::size_t k = 0; k < records.size(); ++k) {
      const store::StoredRecord* r = records[k];
      std::string value(normalized[k]->at(index));
      if (value.empty()) continue;
      std::string key = field.type == sdk::FieldType::kName ? sdk::fold(value) : value;
      cands.push_back({r, std::move(value), std::move(key), normalized[k]->valid(index), rank_of(order, r->record.source)});
    }
    if (cands.empty()) continue;
    auto before = [](const Candidate& a, const Candidate& b) {
      if (a.valid != b.valid) return a.valid;  // an understood value beats one that is not
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.record->changed_run != b.record->changed_run) return a.record->changed_run > b.record->changed_run;
      if (a.record->record.source != b.record->record.source) return a.record->record.source < b.record->record.source;
      return a.record->record.id < b.record->record.id;
    };
    // A person has a few records: a stable insertion sort, without stable_sort's buffer.
    for (std::size_t i = 1; i < cands.size(); ++i)
      for (std::size_t j = i; j > 0 && before(cands[j], cands[j - 1]); --j) std::swap(cands[j], cands[j - 1]);
    const Candidate& win = cands.front();
    bool all_same = std::all_of(cands.begin(), cands.end(), [&](const Candidate& c) { return c.compare_key == win.compare_key; });
    std::string_view rule = cands.size() == 1 ? "only_value" : all_same ? "agreement" : "source_priority";
    out.values.push_back({field.name, win.value, win.record, rule});
    if (!all_same && field.critical) {
      ConflictFinding f{std::string(field.name), "value_mismatch", nlohmann::json::array()};
      for (const auto& c : cands)
        f.candidates.push_back({{"source", c.record->record.source}, {"record_id", c.record->record.id}, {"value", c.value}});
      out.conflicts.push_back(std::move(f));
    }
  }
  return out;
}

nlohmann::json GoldenRecord::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const GoldenValue& v : values)
    out[std::string(v.field)] = {{"value", v.value},
                                 {"source", v.record->record.source},
                                 {"record_id", v.record->record.id},
                                 {"run", v.record->changed_run},
                                 {"rule", v.rule}};
  return out;
}


std::string GoldenRecord::to_text() const {
  std::vector<const GoldenValue*> order;  // by field name, as the stored text lists them
  order.reserve(values.size());
  for (const GoldenValue& v : values) order.push_back(&v);
  std::sort(order.begin(), order.end(), [](const GoldenValue* a, const GoldenValue* b) { return a->field < b->field; });
  GoldenTextWriter writer;
  for (const GoldenValue* v : order)
    writer.add(v->field, v->value, v->record->record.source, v->record->record.id, v->record->changed_run, v->rule);
  return writer.finish();
}

}  // namespace hopnhat::merge
