#include "match/features.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <xxhash.h>

#include "base/parallel.hpp"
#include "base/threads.hpp"
#include "text/citizen_id.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"
#include "base/similarity.hpp"
#include "match/value_forms.hpp"
#include "text/date.hpp"
#include "text/names.hpp"
#include "text/provinces.hpp"
#include "text/normalize.hpp"
#include "text/unit_name.hpp"

namespace hopnhat::match {

StringPool::StringPool() {
  strings_.emplace_back();
  sketch_.push_back(sketch_of(""));
  ids_.emplace(key_of(""), 0);
}

StringPool::Key StringPool::key_of(std::string_view s) {
  const XXH128_hash_t h = XXH3_128bits(s.data(), s.size());
  return {h.low64, h.high64};
}

std::uint32_t StringPool::intern(std::string_view s, bool compared) {
  if (s.empty()) return 0;  // most records lack most columns: no hash, no probe
  auto [it, fresh] = ids_.try_emplace(key_of(s), static_cast<std::uint32_t>(strings_.size()));
  if (fresh) {
    strings_.emplace_back(s);
    sketch_.push_back(sketch_of(s));
  }
  if (compared && !base::is_ascii(s)) {
    auto [u, added] = u32_.try_emplace(it->second);
    if (added) u->second = base::to_u32(s);
  }
  return it->second;
}

// `compare` on two values' bytes when both are ASCII (no code points kept; the sketches say so
// without a look at either string's entry), else on their code points (an ASCII one met with
// one that is not is converted here: rare).
template <class Compare>
auto StringPool::on_values(std::uint32_t a, std::uint32_t b, Compare compare) const {
  const std::string& ta = strings_[a];
  const std::string& tb = strings_[b];
  if (!((sketch_[a] | sketch_[b]) & kNotAscii)) return compare(std::string_view(ta), std::string_view(tb));
  auto ua = u32_.find(a), ub = u32_.find(b);
  std::u32string ca, cb;
  return compare(std::u32string_view(ua == u32_.end() ? (ca = base::to_u32(ta)) : ua->second),
                 std::u32string_view(ub == u32_.end() ? (cb = base::to_u32(tb)) : ub->second));
}

double StringPool::jaro_winkler(std::uint32_t a, std::uint32_t b) const {
  return on_values(a, b, [](auto x, auto y) { return base::jaro_winkler(x, y); });
}

std::uint32_t StringPool::sketch_of(std::string_view s) {
  std::uint32_t length = 0, chars = 0;
  base::each_code_point(s, [&](char32_t cp) {  // what on_values compares
    chars |= cp < 0x80 ? 1u << (cp % 23) : kNotAscii | 1u << (cp % 23);
    ++length;
  });
  return std::min<std::uint32_t>(length, 255) << 24 | chars;
}

bool StringPool::within_one_edit(std::uint32_t a, std::uint32_t b) const {
  // What one edit can change (see sketch_): one character more or fewer; one character for
  // another, or two swapped.
  const std::uint32_t sa = sketch_[a], sb = sketch_[b];
  const std::uint32_t la = sa >> 24, lb = sb >> 24;
  if (la < 255 && lb < 255 && (la > lb + 1 || lb > la + 1)) return false;
  if (std::popcount((sa ^ sb) & kChars) > 2) return false;
  return on_values(a, b, [](auto x, auto y) { return base::within_one_edit(x, y); });
}

namespace {

// Stable across processes and versions (the store keeps these); 0 means "no key".
std::uint64_t key_hash(std::string_view s) {
  std::uint64_t h = XXH3_64bits(s.data(), s.size());
  return h ? h : 1;
}

}  // namespace

std::string MatchKeys::encode(const std::uint64_t* hashes, std::size_t n) {
  std::string out;
  encode_to(hashes, n, out);
  return out;
}

void MatchKeys::encode_to(const std::uint64_t* hashes, std::size_t n, std::string& out) {
  out.resize(n * 8);
  char* p = out.data();
  for (std::size_t i = 0; i < n; ++i)
    for (int b = 0; b < 8; ++b) *p++ = static_cast<char>(hashes[i] >> (8 * b) & 0xFF);
}

std::string MatchKeys::encode() const {
  std::vector<std::uint64_t> all(block);
  all.insert(all.end(), term.begin(), term.end());
  return encode(all.data(), all.size());
}

bool MatchKeys::decode_to(std::string_view bytes, std::size_t width, std::uint64_t* out) {
  if (bytes.size() != width * 8) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (std::size_t i = 0; i < width; ++i) {
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= static_cast<std::uint64_t>(*p++) << (8 * b);
    out[i] = v;
  }
  return true;
}

std::optional<MatchKeys> MatchKeys::decode(std::string_view bytes, const MatchSettings& s) {
  std::vector<std::uint64_t> all(s.blocking.size() + s.term_width());
  if (!decode_to(bytes, all.size(), all.data())) return std::nullopt;
  MatchKeys k;
  k.block.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(s.blocking.size()));
  k.term.assign(all.begin() + static_cast<std::ptrdiff_t>(s.blocking.size()), all.end());
  return k;
}

TermFrequencies::TermFrequencies(const MatchSettings& s) : slot_(s.comparisons.size(), -1) {
  int n = 0;
  for (std::size_t c = 0; c < s.comparisons.size(); ++c) {
    if (s.comparisons[c].term_slots()) slot_[c] = n;
    n += static_cast<int>(s.comparisons[c].term_slots());
  }
  counts_.resize(static_cast<std::size_t>(n));
}

void TermFrequencies::add_terms(const std::uint64_t* terms, std::size_t n) {
  for (std::size_t t = 0; t < counts_.size() && t < n; ++t)
    if (terms[t]) ++counts_[t][terms[t]];
}

void TermFrequencies::finish() {
  mean_.assign(counts_.size(), 0.0);
  total_.assign(counts_.size(), 0.0);
  for (std::size_t t = 0; t < counts_.size(); ++t) {
    // Summed in a fixed order (the hash map's order varies between processes): the same
    // inputs must give the same weights to the last bit, or an unchanged run would move scores.
    std::vector<std::uint32_t> counts;
    counts.reserve(counts_[t].size());
    for (const auto& [v, n] : counts_[t]) counts.push_back(n);
    std::sort(counts.begin(), counts.end());
    double total = 0, s2 = 0, s3 = 0;
    for (std::uint32_t n : counts) total += n;
    total_[t] = total;
    for (std::uint32_t n : counts) {
      double f = n / total;
      s2 += f * f;
      s3 += f * f * f;
    }
    mean_[t] = s2 > 0 ? s3 / s2 : 0.0;
  }
}

double TermFrequencies::factor(std::size_t c, std::uint64_t term, std::size_t part) const {
  const int t = slot_[c] < 0 ? -1 : slot_[c] + static_cast<int>(part);
  if (t < 0 || mean_.empty() || mean_[t] <= 0 || !term) return 1.0;
  auto it = counts_[t].find(term);
  if (it == counts_[t].end()) return 1.0;
  double f = it->second / total_[t];
  return std::max(f / mean_[t], 1e-3);
}

std::string_view FeatureTable::value_view(std::size_t record, const ValueRef& v, std::optional<std::size_t> field,
                                         bool& valid, std::string& storage) const {
  valid = true;
  if (v.canonical) {
    const text::NormalizedFields& n = (*normalized_)[record];
    if (!field || n.at(*field).empty()) return {};
    valid = n.valid(*field);
    return n.at(*field);
  }
  const sdk::SourceRecord& r = *source_[record];
  const std::string* a = r.attribute(v.name);
  if (!a) {  // headings may carry stray spaces ("FEBRL, given_name")
    for (const auto& [k, val] : r.attributes)
      if (text::clean_text(k) == v.name) { a = &val; break; }
  }
  storage = a ? text::clean_text(*a) : std::string();
  return storage;
}

std::string FeatureTable::value_of(std::size_t record, const ValueRef& v, std::optional<std::size_t> field, bool& valid) const {
  std::string storage;
  return std::string(value_view(record, v, field, valid, storage));
}

std::string FeatureTable::canonical(std::size_t record, std::string_view field) const {
  bool valid = true;
  std::string value = value_of(record, {std::string(field), true}, text::field_index(field), valid);
  return valid ? value : std::string();
}

FeatureTable::FeatureTable(const std::vector<const sdk::SourceRecord*>& records, const MatchSettings& settings,
                           const std::vector<text::NormalizedFields>* normalized, const TermFrequencies* frequencies)
    : settings_(settings), normalized_(normalized), records_(records.size()), width_(settings.comparisons.size()),
      term_slot_(settings.comparisons.size(), -1), source_(records), frequencies_(frequencies) {
  if (!normalized_) {  // one normalisation for everyone: the one the store keeps
    owned_normalized_.reserve(records.size());
    for (const sdk::SourceRecord* r : records) owned_normalized_.push_back(text::normalize_record(r->fields));
    normalized_ = &owned_normalized_;
  }
  identity_.resize(records_);  // unwritten: each record's rows are zeroed where it is prepared
  suspect_.resize(records_);
  static const std::size_t kBirthDate = *text::field_index("birth_date");
  static const std::size_t kGender = *text::field_index("gender");
  std::size_t terms = 0;
  for (std::size_t c = 0; c < width_; ++c) {
    if (settings.comparisons[c].term_slots()) term_slot_[c] = static_cast<int>(terms);
    terms += settings.comparisons[c].term_slots();
  }
  terms_.resize(records_ * terms);
  block_keys_.resize(settings.blocking.size());
  for (auto& keys : block_keys_) keys.resize(records_);
  block_lacks_.assign(settings.blocking.size(), {});
  const sdk::FieldInfo* identity_field = sdk::find_field(settings.identity_field);

  // Each distinct value a record needs is normalised once.
  std::vector<ValueRef> refs;
  auto ref_index = [&](const ValueRef& v) {
    for (std::size_t k = 0; k < refs.size(); ++k)
      if (refs[k].name == v.name && refs[k].canonical == v.canonical) return k;
    refs.push_back(v);
    return refs.size() - 1;
  };
  if (identity_field) ref_index({settings.identity_field, true});
  // A cross-field comparison's second value (`with`) gets a column of its own after the others.
  columns_ = width_;
  with_column_.assign(width_, 0);
  for (std::size_t c = 0; c < width_; ++c)
    if (settings.comparisons[c].crosswise()) with_column_[c] = columns_++;
  // Per column: the value it holds; a comparison of the records' sources reads no value.
  constexpr std::size_t kNoValue = static_cast<std::size_t>(-1);
  std::vector<std::size_t> cmp_ref(columns_);
  std::vector<ComparisonKind> column_kind(columns_);
  for (std::size_t c = 0; c < width_; ++c) {
    cmp_ref[c] = settings.comparisons[c].kind == ComparisonKind::kSource ? kNoValue : ref_index(settings.comparisons[c].value);
    column_kind[c] = settings.comparisons[c].kind;
    if (settings.comparisons[c].crosswise()) {
      cmp_ref[with_column_[c]] = ref_index(settings.comparisons[c].with);
      column_kind[with_column_[c]] = settings.comparisons[c].kind;
    }
  }
  // A column that holds the same value prepared the same way as an earlier one (org_unit compared
  // with itself and with the party cell; the CCCD's province against the home town and the birth
  // place) shares its slots: prepared and stored once.
  std::vector<std::size_t> same_as(columns_);
  offset_.resize(columns_);
  for (std::size_t c = 0; c < columns_; ++c) {
    same_as[c] = c;
    for (std::size_t d = 0; d < c && same_as[c] == c; ++d)
      if (cmp_ref[d] == cmp_ref[c] && column_kind[d] == column_kind[c]) same_as[c] = d;
    if (same_as[c] != c) {
      offset_[c] = offset_[same_as[c]];
    } else {
      offset_[c] = stride_;
      stride_ += slots_of(column_kind[c]);
    }
  }
  slots_.resize(records_ * stride_);
  for (std::size_t c = 0; c < columns_; ++c) {
    if (same_as[c] != c) continue;
    switch (column_kind[c]) {
      case ComparisonKind::kPersonName:
      case ComparisonKind::kText: compared_slots_.push_back(offset_[c] + 1); break;
      case ComparisonKind::kIdentifier:
      case ComparisonKind::kUnit: compared_slots_.push_back(offset_[c]); break;
      default: break;
    }
  }
  std::vector<std::vector<std::size_t>> block_ref(settings.blocking.size());
  std::vector<std::vector<Transform>> block_transform(settings.blocking.size());  // named once, not per record
  std::vector<std::size_t> lacks_ref(settings.blocking.size());
  std::vector<Transform> lacks_transform(settings.blocking.size(), Transform::kValue);
  for (std::size_t b = 0; b < settings.blocking.size(); ++b) {
    for (const auto& part : settings.blocking[b].parts) {
      block_ref[b].push_back(ref_index(part.value));
      block_transform[b].push_back(transform_named(part.transform));
    }
    if (settings.blocking[b].when_one_lacks) {
      lacks_ref[b] = ref_index(settings.blocking[b].when_one_lacks->value);
      lacks_transform[b] = transform_named(settings.blocking[b].when_one_lacks->transform);
      block_lacks_[b].resize(records_);
    }
  }

  std::vector<std::optional<std::size_t>> ref_field(refs.size());  // canonical fields by index, found once
  for (std::size_t k = 0; k < refs.size(); ++k)
    if (refs[k].canonical) ref_field[k] = text::field_index(refs[k].name);
  // Columns whose value is a citizen ID: compared as an identifier, it holds two numbering
  // schemes — the 12-digit CCCD and, in older sources, the 9-digit CMND — told apart by length
  // (kept in slot 1, compared in level_of); compared as a province, its first three digits.
  std::vector<char> holds_citizen_id(columns_);
  for (std::size_t c = 0; c < columns_; ++c)
    holds_citizen_id[c] = cmp_ref[c] != kNoValue && ref_field[cmp_ref[c]] && sdk::kCanonicalFields[*ref_field[cmp_ref[c]]].type == sdk::FieldType::kCitizenId;
  // What each record contributes, as text still to be interned: computed on every core (the
  // folding, name splitting and date parsing are the costly part), then interned here in record
  // order, so that ids, and everything that follows from them, do not depend on the threads.
  struct Prepared {
    std::string identity;
    bool suspect = false;  // the identity contradicts the record's birth year or gender
    std::vector<std::array<std::string, 5>> text;  // per comparison, the slots that hold strings
    std::vector<std::array<std::uint32_t, 2>> date;  // per comparison of dates: packed, precision; of provinces: the code
    std::vector<std::uint64_t> block;                // per blocking rule (MatchKeys)
    std::vector<char> lacks;                         // per blocking rule: no value under its when_one_lacks
    std::vector<std::uint64_t> term;                 // per term-frequency comparison (MatchKeys)
  };
  // What one thread needs for a record, kept from one record to the next: the values the
  // comparisons and rules read (views of the normalised values, or of `owned` for attributes)
  // and their forms, folded, split or parsed once whichever rules and columns read them.
  struct Scratch {
    std::vector<ValueForms> forms;
    std::vector<std::string> owned;
    std::vector<char> valids;
  };
  auto prepare = [&](std::size_t i, Prepared& out, Scratch& scratch) {
    // The record's rows, zeroed here rather than all at once by the interning thread: on this
    // thread the first touch of each page costs the interning thread nothing.
    std::fill_n(slots_.begin() + static_cast<std::ptrdiff_t>(i * stride_), stride_, 0u);
    identity_[i] = 0;
    suspect_[i] = 0;
    std::fill_n(terms_.begin() + static_cast<std::ptrdiff_t>(i * terms), terms, std::uint64_t{0});
    for (auto& keys : block_keys_) keys[i] = 0;
    for (auto& lacks : block_lacks_)
      if (!lacks.empty()) lacks[i] = 0;
    auto& forms = scratch.forms;
    auto& valids = scratch.valids;
    forms.resize(refs.size());
    scratch.owned.resize(refs.size());
    valids.resize(refs.size());
    for (std::size_t k = 0; k < refs.size(); ++k) {
      bool valid = true;
      forms[k].reset(value_view(i, refs[k], ref_field[k], valid, scratch.owned[k]));
      valids[k] = valid;
    }
    out.identity = identity_field && valids[0] ? std::string(forms[0].value()) : std::string();
    out.suspect = false;
    if (!out.identity.empty() && identity_field->type == sdk::FieldType::kCitizenId) {
      const text::NormalizedFields& n = (*normalized_)[i];
      auto date = n.valid(kBirthDate) ? n.at(kBirthDate) : std::string_view();
      auto gender = n.valid(kGender) ? n.at(kGender) : std::string_view();
      out.suspect = text::check_citizen_id(out.identity, date, gender).suspect;
    }
    if (out.text.size() != columns_) {
      out.text.assign(columns_, {});
    } else {  // the strings keep their buffers for the next record
      for (auto& t : out.text)
        for (auto& slot : t) slot.clear();
    }
    out.date.assign(columns_, {0, 0});
    for (std::size_t c = 0; c < columns_; ++c) {
      if (same_as[c] != c) continue;  // its slots are an earlier column's
      if (column_kind[c] == ComparisonKind::kSource) {
        out.text[c][0] = source(i);
        continue;
      }
      ValueForms& value = forms[cmp_ref[c]];
      const std::string_view v = value.value();
      if (v.empty()) continue;
      auto& t = out.text[c];
      switch (column_kind[c]) {
        case ComparisonKind::kPersonName: {
          const text::NameParts& parts = value.name_parts();
          t[0] = text::tone_key(v);
          t[1] = value.folded();
          t[2] = parts.family;
          t[3] = parts.middle;
          t[4] = parts.given;
          break;
        }
        case ComparisonKind::kText:
          t[0] = v;
          t[1] = value.folded();
          break;
        case ComparisonKind::kDate: {
          const auto& d = value.date();
          if (!d) break;
          out.date[c] = {static_cast<std::uint32_t>(d->year * 10000 + d->month * 100 + d->day),
                         static_cast<std::uint32_t>(d->day ? 3 : d->month ? 2 : 1)};
          break;
        }
        case ComparisonKind::kIdentifier: t[0] = v; break;
        case ComparisonKind::kExact: t[0] = value.folded(); break;
        case ComparisonKind::kSource: break;  // above
        case ComparisonKind::kProvince: {
          // A CCCD by its code; a place by the names in it (few distinct places, many records).
          if (holds_citizen_id[c]) {
            if (valids[cmp_ref[c]]) out.date[c][0] = static_cast<std::uint32_t>(text::province_now_of_citizen_id(v));
            break;
          }
          thread_local absl::flat_hash_map<std::string, int> provinces;  // looked up by view, no copy
          if (provinces.size() > 4096) provinces.clear();
          auto it = provinces.find(absl::string_view(v.data(), v.size()));
          if (it == provinces.end()) it = provinces.emplace(std::string(v), text::province_now_named_in(v)).first;
          out.date[c][0] = static_cast<std::uint32_t>(it->second);
          break;
        }
        case ComparisonKind::kUnit: {
          // An agency has dozens of unit names and hundreds of thousands of records naming them.
          thread_local absl::flat_hash_map<std::string, std::string> keys;
          if (keys.size() > 4096) keys.clear();
          auto it = keys.find(absl::string_view(v.data(), v.size()));
          if (it == keys.end()) it = keys.emplace(std::string(v), text::unit_key(v)).first;
          t[0] = it->second;
          break;
        }
      }
    }
    out.term.assign(terms, 0);
    for (std::size_t c = 0; c < width_; ++c) {
      if (term_slot_[c] < 0) continue;
      // The value whose frequency counts: folded for names and text, as compared otherwise; for a
      // name also its given name.
      const auto& t = out.text[c];
      const ComparisonKind kind = settings.comparisons[c].kind;
      const std::string& v = kind == ComparisonKind::kPersonName || kind == ComparisonKind::kText ? t[1] : t[0];
      if (!v.empty()) out.term[term_slot_[c]] = key_hash(v);
      if (kind == ComparisonKind::kPersonName && !t[4].empty()) out.term[term_slot_[c] + 1] = key_hash(t[4]);
    }
    out.block.assign(settings.blocking.size(), 0);
    out.lacks.assign(settings.blocking.size(), 0);
    auto part_value = [&](const BlockingPart& part, std::size_t k, Transform t) {
      bool identity_part = part.value.canonical && part.value.name == settings.identity_field;
      return identity_part && !valids[k] ? std::string() : transformed(forms[k], t);
    };
    std::string key;
    for (std::size_t b = 0; b < settings.blocking.size(); ++b) {
      const BlockingRule& rule = settings.blocking[b];
      key.clear();
      bool complete = true;
      for (std::size_t p = 0; p < rule.parts.size() && complete; ++p) {
        std::string v = part_value(rule.parts[p], block_ref[b][p], block_transform[b][p]);
        complete = !v.empty();
        key += v;
        key += '\x1f';
      }
      if (complete) out.block[b] = key_hash(key);
      if (complete && rule.when_one_lacks)
        out.lacks[b] = part_value(*rule.when_one_lacks, lacks_ref[b], lacks_transform[b]).empty();
    }
  };
  absl::flat_hash_set<std::uint32_t> confirmed_ids;  // identity values some record does not contradict
  auto intern = [&](std::size_t i, const Prepared& in) {
    if (!in.identity.empty()) {
      identity_[i] = pool_.intern(in.identity);
      suspect_[i] = in.suspect;
      (in.suspect ? suspect_ids_ : confirmed_ids).insert(identity_[i]);
    }
    for (std::size_t c = 0; c < columns_; ++c) {
      if (same_as[c] != c) continue;
      std::uint32_t* slot = &slots_[i * stride_ + offset_[c]];
      const auto& t = in.text[c];
      switch (column_kind[c]) {
        case ComparisonKind::kPersonName:
          if (t[1].empty() && t[0].empty()) break;
          slot[0] = pool_.intern(t[0]);
          slot[1] = pool_.intern(t[1], true);
          slot[2] = pool_.intern(t[2]);
          slot[3] = pool_.intern(t[3]);
          slot[4] = pool_.intern(t[4]);
          break;
        case ComparisonKind::kText:
          if (t[0].empty()) break;
          slot[0] = pool_.intern(t[0]);
          slot[1] = pool_.intern(t[1], true);
          break;
        case ComparisonKind::kDate:
          slot[0] = in.date[c][0];
          slot[1] = in.date[c][1];
          break;
        case ComparisonKind::kIdentifier:
          slot[0] = pool_.intern(t[0], true);
          slot[1] = holds_citizen_id[c] ? static_cast<std::uint32_t>(t[0].size()) : 0;  // a citizen ID's scheme
          break;
        case ComparisonKind::kExact:
        case ComparisonKind::kSource: slot[0] = pool_.intern(t[0]); break;
        case ComparisonKind::kUnit:
          if (!t[0].empty()) slot[0] = pool_.intern(t[0], true);
          break;
        case ComparisonKind::kProvince: slot[0] = in.date[c][0]; break;
      }
    }
    std::copy(in.term.begin(), in.term.end(), terms_.begin() + static_cast<std::ptrdiff_t>(i * terms));
    for (std::size_t b = 0; b < settings.blocking.size(); ++b) {
      block_keys_[b][i] = in.block[b];
      if (!block_lacks_[b].empty()) block_lacks_[b][i] = in.lacks[b];
    }
  };
  // The next slice is prepared on other threads while this one interns the last.
  constexpr std::size_t kSlice = 1 << 15;
  std::vector<Prepared> ready(std::min(kSlice, records_)), next(ready.size());
  auto prepare_slice = [&](std::size_t from, std::vector<Prepared>& out) {
    base::parallel_slices(std::min(kSlice, records_ - from), [&](std::size_t b, std::size_t e, unsigned) {
      Scratch scratch;
      for (std::size_t k = b; k < e; ++k) prepare(from + k, out[k], scratch);
    });
  };
  base::AsyncTask<void> preparing;
  if (records_ > 0) preparing = base::run_async([&] { prepare_slice(0, next); });
  for (std::size_t from = 0; from < records_; from += kSlice) {
    preparing.get();
    ready.swap(next);
    if (from + kSlice < records_) preparing = base::run_async([&, from] { prepare_slice(from + kSlice, next); });
    const std::size_t n = std::min(kSlice, records_ - from);
    for (std::size_t k = 0; k < n; ++k) intern(from + k, ready[k]);
  }
  for (std::uint32_t id : confirmed_ids) suspect_ids_.erase(id);
  if (!frequencies_) {
    own_frequencies_.emplace(settings);
    for (std::size_t i = 0; i < records_; ++i) own_frequencies_->add_terms(terms_.data() + i * terms, terms);
    own_frequencies_->finish();
    frequencies_ = &*own_frequencies_;
  }
}

void FeatureTable::keys_to(std::size_t i, std::uint64_t* out) const {
  for (std::size_t b = 0; b < block_keys_.size(); ++b) {
    std::uint64_t k = block_keys_[b][i];
    if (k && block_pairs_lacking(b)) k = MatchKeys::with_lacks(k, block_lacks(b, i));
    *out++ = k;
  }
  const std::size_t terms = terms_per_record();
  std::copy_n(terms_.begin() + static_cast<std::ptrdiff_t>(i * terms), terms, out);
}

MatchKeys FeatureTable::keys(std::size_t i) const {
  std::vector<std::uint64_t> all(key_width());
  keys_to(i, all.data());
  MatchKeys k;
  k.block.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(block_keys_.size()));
  k.term.assign(all.begin() + static_cast<std::ptrdiff_t>(block_keys_.size()), all.end());
  return k;
}

std::vector<std::string> FeatureTable::level_names(ComparisonKind kind) { return match::level_names(kind); }

namespace {

// Words of a name, split on single spaces (names are cleaned): at most 8, more are rare.
struct Words {
  std::array<std::string_view, 8> word;
  std::size_t n = 0;
  explicit Words(std::string_view s) {
    while (!s.empty() && n < word.size()) {
      auto sp = s.find(' ');
      word[n++] = s.substr(0, sp);
      s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
    }
  }
};

// Whether the words of `a` appear in `b` in order (b may have more): a dropped middle name.
bool in_order_within(const Words& a, const Words& b) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < b.n && k < a.n; ++i)
    if (a.word[k] == b.word[i]) ++k;
  return k == a.n;
}

bool one_within_other(std::string_view a, std::string_view b) {
  Words wa(a), wb(b);
  return wa.n <= wb.n ? in_order_within(wa, wb) : in_order_within(wb, wa);
}

// The same words in another order ("Hùng Nguyễn Văn" for "Nguyễn Văn Hùng").
bool same_words_any_order(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  Words wa(a), wb(b);
  if (wa.n != wb.n || wa.n < 2) return false;
  std::sort(wa.word.begin(), wa.word.begin() + static_cast<std::ptrdiff_t>(wa.n));
  std::sort(wb.word.begin(), wb.word.begin() + static_cast<std::ptrdiff_t>(wb.n));
  return std::equal(wa.word.begin(), wa.word.begin() + static_cast<std::ptrdiff_t>(wa.n), wb.word.begin());
}

// Two full dates (yyyymmdd) that differ by one mistyped digit or two neighbouring digits swapped.
bool one_digit_apart(std::uint32_t a, std::uint32_t b) {
  std::array<int, 8> da{}, db{};
  for (int k = 7; k >= 0; --k, a /= 10, b /= 10) {
    da[static_cast<std::size_t>(k)] = static_cast<int>(a % 10);
    db[static_cast<std::size_t>(k)] = static_cast<int>(b % 10);
  }
  int first = -1, count = 0;
  for (int k = 0; k < 8; ++k)
    if (da[static_cast<std::size_t>(k)] != db[static_cast<std::size_t>(k)]) {
      if (first < 0) first = k;
      ++count;
    }
  if (count == 1) return true;
  const auto f = static_cast<std::size_t>(first);
  return count == 2 && first < 7 && da[f] == db[f + 1] && da[f + 1] == db[f];
}

}  // namespace

std::uint8_t FeatureTable::level(std::size_t c, std::size_t i, std::size_t j) const {
  const ComparisonSpec& spec = settings_.comparisons[c];
  if (!spec.crosswise()) return level_of(spec.kind, column(i, c), column(j, c));
  const std::size_t w = with_column_[c];
  const std::uint8_t x = level_of(spec.kind, column(i, c), column(j, w));
  const std::uint8_t y = level_of(spec.kind, column(i, w), column(j, c));
  if (x == kNullLevel) return y;
  if (y == kNullLevel) return x;
  return std::max(x, y);
}

std::size_t slots_of(ComparisonKind kind) {
  switch (kind) {
    case ComparisonKind::kPersonName: return 5;
    case ComparisonKind::kText:
    case ComparisonKind::kDate:
    case ComparisonKind::kIdentifier: return 2;
    case ComparisonKind::kExact:
    case ComparisonKind::kUnit:
    case ComparisonKind::kProvince:
    case ComparisonKind::kSource: return 1;
  }
  return 5;
}

std::uint8_t FeatureTable::level_of(ComparisonKind kind, Feature a, Feature b) const {
  if (!a.present() || !b.present()) return kNullLevel;
  switch (kind) {
    case ComparisonKind::kPersonName: {
      if (a.slot[0] == b.slot[0]) return 6;
      if (a.slot[1] == b.slot[1]) return 5;
      if (pool_.within_one_edit(a.slot[1], b.slot[1])) return 4;
      const bool family = a.slot[2] == b.slot[2] || text::family_name_variants(pool_.text(a.slot[2]), pool_.text(b.slot[2]));
      if (a.slot[4] == b.slot[4]) {  // the given name agrees
        if (family) return one_within_other(pool_.text(a.slot[3]), pool_.text(b.slot[3])) ? 3 : 2;
        if (one_within_other(pool_.text(a.slot[1]), pool_.text(b.slot[1]))) return 3;  // family name left out
      }
      if (same_words_any_order(pool_.text(a.slot[1]), pool_.text(b.slot[1]))) return 3;
      if (pool_.jaro_winkler(a.slot[1], b.slot[1]) >= 0.90) return 1;
      return 0;
    }
    case ComparisonKind::kText: {
      if (a.slot[0] == b.slot[0]) return 5;
      if (a.slot[1] == b.slot[1]) return 4;
      if (pool_.within_one_edit(a.slot[1], b.slot[1])) return 3;
      const double jw = pool_.jaro_winkler(a.slot[1], b.slot[1]);
      return jw >= 0.90 ? 2 : jw >= 0.80 ? 1 : 0;
    }
    case ComparisonKind::kDate: {
      int ya = static_cast<int>(a.slot[0] / 10000), ma = static_cast<int>(a.slot[0] / 100 % 100), da = static_cast<int>(a.slot[0] % 100);
      int yb = static_cast<int>(b.slot[0] / 10000), mb = static_cast<int>(b.slot[0] / 100 % 100), db = static_cast<int>(b.slot[0] % 100);
      if (a.slot[0] == b.slot[0] && a.slot[1] == 3) return 6;
      if (ya == yb && da && db && da == mb && db == ma && da != db) return 5;
      if (ya == yb && (!ma || !mb || ma == mb) && (!da || !db || da == db)) return 4;
      if (a.slot[1] == 3 && b.slot[1] == 3 && one_digit_apart(a.slot[0], b.slot[0])) return 3;
      if (ya == yb) return 2;
      if (std::abs(ya - yb) == 1) return 1;
      return 0;
    }
    case ComparisonKind::kIdentifier: {
      if (a.slot[0] == b.slot[0]) return 2;
      if (pool_.within_one_edit(a.slot[0], b.slot[0])) return 1;
      // Citizen IDs of different lengths, more than a typing error apart, are of two numbering
      // schemes — an old 9-digit CMND in one source, the 12-digit CCCD in another — and differ
      // whoever holds them: neither for nor against.
      if (a.slot[1] != b.slot[1]) return kNullLevel;
      return 0;
    }
    case ComparisonKind::kExact: return a.slot[0] == b.slot[0] ? 1 : 0;
    case ComparisonKind::kUnit: {
      if (a.slot[0] == b.slot[0]) return 3;
      if (pool_.within_one_edit(a.slot[0], b.slot[0])) return 2;
      return text::unit_key_within(pool_.text(a.slot[0]), pool_.text(b.slot[0])) ? 1 : 0;
    }
    case ComparisonKind::kProvince: return a.slot[0] == b.slot[0] ? 1 : 0;
    case ComparisonKind::kSource: return a.slot[0] == b.slot[0] ? 0 : 1;
  }
  return kNullLevel;
}

double FeatureTable::tf_factor(std::size_t c, std::size_t i, std::size_t j, std::uint8_t level) const {
  const int t = term_slot_[c];
  if (t < 0) return 1.0;
  std::size_t part = 0;  // only an agreeing value has a frequency that counts
  switch (settings_.comparisons[c].kind) {
    case ComparisonKind::kPersonName:
      if (level >= 5) break;
      // Family and given name agree, the middle name left out or another: the given name's.
      if ((level == 2 || level == 3) && column(i, c).slot[4] == column(j, c).slot[4]) {
        part = 1;
        break;
      }
      return 1.0;
    case ComparisonKind::kText: if (level < 4) return 1.0; break;
    case ComparisonKind::kIdentifier: if (level < 2) return 1.0; break;
    case ComparisonKind::kExact: if (level < 1) return 1.0; break;
    case ComparisonKind::kUnit: if (level < 3) return 1.0; break;
    default: return 1.0;
  }
  const std::size_t terms = terms_.size() / records_;
  return frequencies_->factor(c, terms_[i * terms + static_cast<std::size_t>(t) + part], part);
}

std::string FeatureTable::transform(const std::string& v, const std::string& t) {
  ValueForms forms;
  forms.reset(v);
  return transformed(forms, transform_named(t));
}

std::string FeatureTable::display(std::size_t i, std::size_t c) const {
  bool valid = true;
  const ComparisonSpec& spec = settings_.comparisons[c];
  if (spec.kind == ComparisonKind::kSource) return source(i);
  auto shown = [&](const ValueRef& v) { return value_of(i, v, v.canonical ? text::field_index(v.name) : std::nullopt, valid); };
  if (!spec.crosswise()) return shown(spec.value);
  return shown(spec.value) + " | " + shown(spec.with);  // both: either may be what the other record's agrees with
}

}  // namespace hopnhat::match
