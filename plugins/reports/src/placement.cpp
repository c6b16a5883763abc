#include "placement.hpp"

#include <algorithm>

namespace hopnhat_reports {

namespace sdk = hopnhat::sdk;

namespace {

std::string field(const sdk::PersonPeriod& p, const char* name) {
  auto it = p.fields.find(name);
  return it == p.fields.end() ? "" : it->second;
}

}  // namespace

std::string successor_for(const sdk::UnitMap& map, const sdk::PersonRecord& p, const std::string& code, const std::string& to) {
  const std::vector<sdk::UnitSuccessor> next = map.carry(code, to);
  if (next.size() == 1 && !next.front().partial) return next.front().code;
  const sdk::PersonPeriod* own = sdk::posting_on(p.timeline, to);
  if (own && std::any_of(next.begin(), next.end(), [&](const sdk::UnitSuccessor& s) { return s.code == own->unit_code; }))
    return own->unit_code;
  return "";
}

Placement Placer::place(const sdk::PersonRecord& p) const {
  Placement out;
  const sdk::PersonPeriod* post = sdk::posting_on(p.timeline, as_of_);
  if (!post) {
    // A timeline with dated postings and none on the day: not on the staff then.
    bool dated = std::any_of(p.timeline.begin(), p.timeline.end(), [](const sdk::PersonPeriod& t) { return t.kind == "posting"; });
    out.reason = dated ? "not_posted" : "none";
    return out;
  }
  out.text = field(*post, "unit");
  const std::string& code = post->unit_code;
  if (code.empty()) {
    out.reason = out.text.empty() ? "none" : "unresolved";
    return out;
  }
  if (structure_ >= as_of_) {
    out.code = successor_for(map_, p, code, structure_);
    if (out.code.empty()) out.reason = map_.carry(code, structure_).empty() ? "ended" : "split";
    return out;
  }
  // The old structure asked of a later day: the unit itself when it was valid then; else the
  // one the person held then, when it became today's; else the unit's one predecessor.
  if (map_.find(code, structure_)) {
    out.code = code;
    return out;
  }
  const sdk::PersonPeriod* then = sdk::posting_on(p.timeline, structure_);
  if (then && !then->unit_code.empty() && map_.find(then->unit_code, structure_)) {
    for (const auto& s : map_.carry(then->unit_code, as_of_))
      if (s.code == code) {
        out.code = then->unit_code;
        return out;
      }
  }
  const std::vector<sdk::UnitSuccessor> before = map_.carry(code, structure_);
  if (before.size() == 1) out.code = before.front().code;
  else out.reason = "predecessors";
  return out;
}

std::string Placer::label(const Placement& placement) const {
  if (map_.empty()) return placement.text;
  if (placement.code.empty()) return "";
  const sdk::UnitPeriod* u = map_.find(placement.code, structure_);
  if (!u) u = map_.latest(placement.code);
  return u ? u->name : placement.code;
}

}  // namespace hopnhat_reports
