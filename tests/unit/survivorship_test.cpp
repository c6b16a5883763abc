#include <catch2/catch.hpp>

#include <deque>

#include "merge/survivorship.hpp"

using namespace hopnhat;

namespace {

// One person's records, each from its own source; survivorship with civil trusted first.
struct Person {
  std::deque<record::StoredRecord> records;
  std::deque<text::NormalizedFields> normalized;

  Person& add(const std::string& source, std::map<std::string, std::string> fields) {
    record::StoredRecord r;
    r.record.source = source;
    r.record.id = source + std::to_string(records.size());
    r.record.fields = fields;
    r.changed_run = 1;
    records.push_back(r);
    normalized.push_back(text::normalize_record(fields));
    return *this;
  }

  std::vector<merge::DecisionRule> rules;  // administrators' rules in force

  merge::GoldenRecord golden() const {
    std::vector<const record::StoredRecord*> rs;
    std::vector<const text::NormalizedFields*> ns;
    for (std::size_t i = 0; i < records.size(); ++i) {
      rs.push_back(&records[i]);
      ns.push_back(&normalized[i]);
    }
    return merge::build_golden(rs, ns, {{"civil", "party", "office"}, {}, rules});
  }
};

const merge::GoldenValue& value_of(const merge::GoldenRecord& g, std::string_view field) {
  for (const auto& v : g.values)
    if (v.field == field) return v;
  throw std::runtime_error("no golden " + std::string(field));
}

// A case: a disagreement the evidence could not decide.
bool conflict_on(const merge::GoldenRecord& g, const std::string& field) {
  for (const auto& c : g.conflicts)
    if (c.field == field && !c.settled()) return true;
  return false;
}

// The rule that settled a disagreement on `field` without a case, or "".
std::string settled_by(const merge::GoldenRecord& g, const std::string& field) {
  for (const auto& c : g.conflicts)
    if (c.field == field && c.settled()) return std::string(c.settled_by);
  return "";
}

}  // namespace

TEST_CASE("survivorship: a name with diacritics wins over the same name without, whatever the source") {
  auto g = Person().add("civil", {{"full_name", "Le Ba Thinh"}}).add("party", {{"full_name", "Lê Bá Thịnh"}}).golden();
  CHECK(value_of(g, "full_name").value == "Lê Bá Thịnh");
  CHECK(value_of(g, "full_name").rule == "agreement");
  CHECK_FALSE(conflict_on(g, "full_name"));
}

TEST_CASE("survivorship: the more precise value wins: a full date over its year, a name over the name without its middle") {
  auto g = Person()
               .add("civil", {{"full_name", "Nguyễn Khánh"}, {"birth_date", "1996"}})
               .add("party", {{"full_name", "Nguyễn Trọng Khánh"}, {"birth_date", "07/09/1996"}})
               .golden();
  CHECK(value_of(g, "birth_date").value == "1996-09-07");
  CHECK(value_of(g, "birth_date").rule == "more_precise");
  CHECK(value_of(g, "full_name").value == "Nguyễn Trọng Khánh");
  CHECK(value_of(g, "full_name").rule == "more_precise");
  CHECK(g.conflicts.empty());  // a value that says less is no disagreement: nothing recorded
}

TEST_CASE("survivorship: two sources that agree win over the trusted source alone (a day/month swap)") {
  auto g = Person()
               .add("civil", {{"birth_date", "1970-05-03"}})
               .add("party", {{"birth_date", "03/05/1970"}})
               .add("office", {{"birth_date", "03/05/1970"}})
               .golden();
  CHECK(value_of(g, "birth_date").value == "1970-05-03");
  auto h = Person()
               .add("civil", {{"birth_date", "1970-03-05"}})
               .add("party", {{"birth_date", "03/05/1970"}})
               .add("office", {{"birth_date", "03/05/1970"}})
               .golden();
  CHECK(value_of(h, "birth_date").value == "1970-05-03");
  CHECK(value_of(h, "birth_date").rule == "agreement");
  CHECK_FALSE(conflict_on(h, "birth_date"));
  CHECK(settled_by(h, "birth_date") == "agreement");  // recorded for a person to see, no case
}

TEST_CASE("survivorship: the CCCD consistent with the birth year and gender wins over one they contradict") {
  auto g = Person()
               .add("civil", {{"citizen_id", "001181555001"}, {"birth_date", "1980-02-03"}, {"gender", "Nữ"}})
               .add("party", {{"citizen_id", "001180555001"}, {"birth_date", "03/02/1980"}, {"gender", "Nữ"}})
               .golden();
  CHECK(value_of(g, "citizen_id").value == "001180555001");
  CHECK(value_of(g, "citizen_id").rule == "consistent_with_cccd");
  CHECK_FALSE(conflict_on(g, "citizen_id"));
  CHECK(settled_by(g, "citizen_id") == "consistent_with_cccd");
}

TEST_CASE("survivorship: of two CCCDs a typing error apart, the one naming the province of the home town wins") {
  // 022 is Quảng Ninh, 062 Kon Tum: both consistent with the birth year and gender.
  auto g = Person()
               .add("civil", {{"citizen_id", "062077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"}})
               .add("party", {{"citizen_id", "022077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"},
                              {"hometown", "Xã Tiên Lãng - Tiên Yên - Quảng Ninh"}})
               .golden();
  CHECK(value_of(g, "citizen_id").value == "022077777423");
  CHECK(value_of(g, "citizen_id").rule == "consistent_with_place");
  CHECK_FALSE(conflict_on(g, "citizen_id"));
  CHECK(settled_by(g, "citizen_id") == "consistent_with_place");
  // A province named in neither place says nothing: a person decides, as before.
  auto h = Person()
               .add("civil", {{"citizen_id", "062077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"}})
               .add("party", {{"citizen_id", "022077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"},
                              {"hometown", "Xã Tân Hòa - Phú Vang - Thừa Thiên Huế"}})
               .golden();
  CHECK(conflict_on(h, "citizen_id"));
  // The province's whole name: "Ninh Bình" does not name Quảng Ninh.
  auto k = Person()
               .add("civil", {{"citizen_id", "062077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"}})
               .add("party", {{"citizen_id", "022077777423"}, {"birth_date", "1977-10-10"}, {"gender", "Nam"},
                              {"birth_place", "Ninh Bình"}})
               .golden();
  CHECK(conflict_on(k, "citizen_id"));
}

TEST_CASE("survivorship: a birth date the CCCDs' year digits confirm wins over one a year off") {
  auto g = Person()
               .add("civil", {{"citizen_id", "001180555001"}, {"birth_date", "1981-02-03"}, {"gender", "Nữ"}})
               .add("party", {{"citizen_id", "001180555001"}, {"birth_date", "03/02/1980"}, {"gender", "Nữ"}})
               .golden();
  CHECK(value_of(g, "birth_date").value == "1980-02-03");
  CHECK(value_of(g, "birth_date").rule == "consistent_with_cccd");
}

TEST_CASE("survivorship: a CCCD its own record contradicts sides with the other record's date") {
  // From the fourth generator's hard noise: the civil-service record says 1999 beside a CCCD
  // embedding 98; the office record, without a CCCD, says 1998. Two witnesses to 1998, one to 1999.
  auto g = Person()
               .add("civil", {{"citizen_id", "036098332546"}, {"birth_date", "1999-06-23"}, {"gender", "Nam"}})
               .add("office", {{"birth_date", "23/06/1998"}, {"gender", "Nam"}})
               .golden();
  CHECK(value_of(g, "birth_date").value == "1998-06-23");
  CHECK(value_of(g, "birth_date").rule == "consistent_with_cccd");
  CHECK_FALSE(conflict_on(g, "birth_date"));
  CHECK(settled_by(g, "birth_date") == "consistent_with_cccd");
  // Two sources that agree still outweigh it: a number mistyped in its year digits is as likely.
  auto two = Person()
                 .add("civil", {{"citizen_id", "036098332546"}, {"birth_date", "1999-06-23"}, {"gender", "Nam"}})
                 .add("party", {{"birth_date", "23/06/1999"}, {"gender", "Nam"}})
                 .add("office", {{"birth_date", "23/06/1998"}, {"gender", "Nam"}})
                 .golden();
  CHECK(value_of(two, "birth_date").value == "1999-06-23");
  CHECK(value_of(two, "birth_date").rule == "agreement");
}

TEST_CASE("survivorship: of three values, the one the others are each a typing error of wins") {
  auto g = Person()
               .add("civil", {{"full_name", "Bế Min Hưng"}, {"birth_date", "1980-12-27"}})
               .add("party", {{"full_name", "Bế Mknh Hưng"}, {"birth_date", "12/07/1980"}})
               .add("office", {{"full_name", "Bế Minh Hưng"}, {"birth_date", "07/12/1980"}})
               .golden();
  CHECK(value_of(g, "full_name").value == "Bế Minh Hưng");
  CHECK(value_of(g, "full_name").rule == "explains_others");
  CHECK(settled_by(g, "full_name") == "explains_others");
  // 1980-12-07 is a swap from 1980-07-12 and one digit from 1980-12-27; those two are neither.
  CHECK(value_of(g, "birth_date").value == "1980-12-07");
  CHECK(value_of(g, "birth_date").rule == "explains_others");
  CHECK_FALSE(conflict_on(g, "birth_date"));
  // Three dates each one error from the others: nothing tells them apart, a person decides.
  auto round = Person()
                   .add("civil", {{"birth_date", "1980-12-07"}})
                   .add("party", {{"birth_date", "08/12/1980"}})
                   .add("office", {{"birth_date", "09/12/1980"}})
                   .golden();
  CHECK(conflict_on(round, "birth_date"));
}

TEST_CASE("survivorship: a name with a typing error gives way, and two full dates with nothing to decide open a case") {
  auto g = Person()
               .add("civil", {{"full_name", "Nguyễn Thhanh Hạnh"}, {"birth_date", "1975-01-02"}})
               .add("party", {{"full_name", "Nguyễn Thanh Hạnh"}, {"birth_date", "08/11/1975"}})
               .golden();
  CHECK(value_of(g, "full_name").value == "Nguyễn Thanh Hạnh");
  CHECK(value_of(g, "full_name").rule == "plausible_spelling");
  CHECK_FALSE(conflict_on(g, "full_name"));
  CHECK(value_of(g, "birth_date").value == "1975-01-02");  // the trusted source, for now
  CHECK(value_of(g, "birth_date").rule == "source_priority");
  CHECK(conflict_on(g, "birth_date"));
  CHECK(settled_by(g, "birth_date").empty());
}

TEST_CASE("survivorship: names that differ beyond a typing error, one source each, open a case") {
  auto g = Person().add("civil", {{"full_name", "Trần Văn Minh"}}).add("party", {{"full_name", "Trần Quốc Tuấn"}}).golden();
  CHECK(conflict_on(g, "full_name"));
  CHECK(value_of(g, "full_name").rule == "source_priority");
}

TEST_CASE("survivorship: an administrator's rule decides what the evidence cannot, and only that") {
  auto person = [] {
    return Person()
        .add("civil", {{"citizen_id", "001180555001"}, {"birth_date", "1980-02-03"}, {"gender", "Nữ"}})
        .add("party", {{"citizen_id", "001180555001"}, {"birth_date", "05/07/1980"}, {"gender", "Nữ"}});
  };
  // Two full dates, one source each, both of the CCCD's year: a case.
  CHECK(conflict_on(person().golden(), "birth_date"));
  auto p = person();
  p.rules = {{7, "birth_date", "party", true}};  // trust the party database when its date agrees with the CCCD
  auto g = p.golden();
  CHECK(value_of(g, "birth_date").value == "1980-07-05");
  CHECK(value_of(g, "birth_date").rule == "decision_rule");
  CHECK_FALSE(conflict_on(g, "birth_date"));
  CHECK(settled_by(g, "birth_date") == "decision_rule");
  // The condition: a party date of another year than the CCCD's is not trusted by it.
  auto q = Person()
               .add("civil", {{"citizen_id", "001180555001"}, {"birth_date", "1980-02-03"}, {"gender", "Nữ"}})
               .add("party", {{"birth_date", "05/07/1981"}, {"gender", "Nữ"}});
  q.rules = {{7, "birth_date", "party", true}};
  CHECK(value_of(q.golden(), "birth_date").value == "1980-02-03");
  CHECK(value_of(q.golden(), "birth_date").rule == "consistent_with_cccd");  // the evidence decided it: no rule needed
  // A rule never overrides what the evidence decides.
  auto r = Person()
               .add("civil", {{"birth_date", "1970-05-03"}})
               .add("party", {{"birth_date", "03/05/1970"}})
               .add("office", {{"birth_date", "05/03/1970"}});
  r.rules = {{7, "birth_date", "office", false}};
  CHECK(value_of(r.golden(), "birth_date").value == "1970-05-03");
  CHECK(value_of(r.golden(), "birth_date").rule == "agreement");
}
