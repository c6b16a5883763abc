// The organisation as data: units and crosswalk read and checked (bad input named by file, line
// and column), unit names resolved as the three systems write them, and the headcount of a
// merger scenario carried through the crosswalk.
#include <catch2/catch.hpp>

#include <fstream>

#include "org/headcount.hpp"
#include "org/positions.hpp"
#include "org/unit_resolver.hpp"
#include "org/units.hpp"
#include "temp_dir.hpp"

using namespace hopnhat::org;
namespace sdk = hopnhat::sdk;
using Catch::Contains;

namespace {

// Two offices of a district that merged on 2025-07-01 (the Tổ chức – Nội vụ case), a unit that
// split, and a renamed one that kept its code.
const char* kUnits =
    "code,name,kind,parent_code,valid_from,valid_to,aliases\n"
    "HU,Huyện ủy Hoành Bồ,party,,,,\n"
    "BTC,Ban Tổ chức Huyện ủy,party,HU,,2025-06-30,BTC HU\n"
    "PNV,Phòng Nội vụ,state,,,2025-06-30,\n"
    "TCNV,Cơ quan Tổ chức - Nội vụ,state,,2025-07-01,,\"TC-NV|Tổ chức Nội vụ\"\n"
    "VPHU,Văn phòng Huyện ủy,party,HU,,,\n"
    "LDTBXH,Phòng Lao động - Thương binh và Xã hội,state,,,2025-06-30,\n"
    "PNVLD,Phòng Nội vụ và Lao động,state,,2025-07-01,,\n"
    "PVHXH,Phòng Văn hóa - Xã hội,state,,2025-07-01,,\n"
    "VHTT,Phòng Văn hóa và Thông tin,state,,,2025-06-30,\n"
    "TCKH,Phòng Tài chính - Kế hoạch,state,,,2024-12-31,\n"
    "TCKH,Phòng Tài chính và Kế hoạch,state,,2025-01-01,,\n";
const char* kCrosswalk =
    "old_code,new_code,valid_from,share,legal_ref\n"
    "BTC,TCNV,2025-07-01,full,QĐ 01\n"
    "PNV,TCNV,2025-07-01,full,QĐ 01\n"
    "LDTBXH,PNVLD,2025-07-01,partial,QĐ 02\n"
    "LDTBXH,PVHXH,2025-07-01,partial,QĐ 02\n"
    "VHTT,PVHXH,2025-07-01,full,QĐ 02\n";

struct Files {
  TempDir tmp;
  std::filesystem::path units = tmp.path / "units.csv", crosswalk = tmp.path / "crosswalk.csv";
  Files(const std::string& u = kUnits, const std::string& c = kCrosswalk) {
    std::ofstream(units) << u;
    std::ofstream(crosswalk) << c;
  }
  OrgRegistry load() const { return OrgRegistry::load(units, crosswalk); }
  std::string error() const {
    try {
      load();
    } catch (const OrgError& e) {
      return e.what();
    }
    return "";
  }
};

// The count of the unit `code` in `h`.
UnitCount unit(const Headcount& h, const std::string& code) {
  for (const auto& u : h.units)
    if (u.unit->code == code) return u;
  FAIL("no unit " << code);
  return UnitCount{};
}

}  // namespace

TEST_CASE("units and crosswalk are read, and a unit is carried to the structure of a date") {
  Files f;
  OrgRegistry r = f.load();
  CHECK(r.valid_on("2025-01-01").size() == 7);
  CHECK(r.valid_on("2025-07-01").size() == 6);
  CHECK(r.find("TCKH", "2024-06-01")->name == "Phòng Tài chính - Kế hoạch");
  CHECK(r.find("TCKH", "2025-06-01")->name == "Phòng Tài chính và Kế hoạch");
  auto btc = r.carry("BTC", "2025-08-01");
  REQUIRE(btc.size() == 1);
  CHECK(btc[0].code == "TCNV");
  CHECK_FALSE(btc[0].partial);
  CHECK(r.carry("BTC", "2025-01-01")[0].code == "BTC");
  auto split = r.carry("LDTBXH", "2025-08-01");
  CHECK(split.size() == 2);
  CHECK(split[0].partial);
  CHECK(r.predecessors("TCNV") == std::vector<std::string>{"BTC", "PNV"});
}

TEST_CASE("bad units or crosswalk files are refused naming file, line and column") {
  CHECK_THAT(Files("code,name,kind,colour\nA,B,state,red\n").error(), Contains("units.csv: line 1, column 4: unknown column \"colour\""));
  CHECK_THAT(Files("code,name\nA,B\n").error(), Contains("the column kind is missing"));
  CHECK_THAT(Files("code,name,kind\nA,B,ministry\n").error(), Contains("line 2, column kind: \"ministry\" is not party, state or other"));
  CHECK_THAT(Files("code,name,kind,valid_from\nA,B,state,2025-02-30\n").error(), Contains("line 2, column valid_from: \"2025-02-30\" is not a date"));
  CHECK_THAT(Files("code,name,kind,valid_from,valid_to\nA,B,state,2020-01-01,\nA,C,state,2024-01-01,\n").error(),
             Contains("line 3, column valid_from: the code A is also valid over these days on line 2"));
  CHECK_THAT(Files("code,name,kind\nA,\"B\n").error(), Contains("line 2: a quote opened here is never closed"));
  CHECK_THAT(Files("code,name,kind,parent_code\nA,B,state,Z\n").error(), Contains("column parent_code: no unit has the code Z"));
  const std::string units = "code,name,kind,valid_from,valid_to\nA,A,state,,\nB,B,state,,\n";
  CHECK_THAT(Files(units, "old_code,new_code,valid_from\nA,B,2025-07-01\nB,A,2025-07-01\n").error(), Contains("goes round in a circle"));
  CHECK_THAT(Files(units, "old_code,new_code,valid_from,share\nA,B,2025-07-01,half\n").error(),
             Contains("crosswalk.csv: line 2, column share: \"half\" is neither full nor partial"));
  CHECK_THAT(Files(units, "old_code,new_code,valid_from\nA,Q,2025-07-01\n").error(), Contains("column new_code: no unit has the code Q"));
  CHECK_THAT(Files("code,name,kind\nA,B\xff,state\n").error(), Contains("not UTF-8"));
}

TEST_CASE("unit names resolve as the systems write them, and what is ambiguous is not guessed") {
  Files f;
  OrgRegistry r = f.load();
  UnitResolver resolver(r, {{"Tổ CTXH", "PVHXH"}});
  auto code = [&](const char* text, const char* date = "2025-08-01") {
    Resolution res = resolver.resolve(text, date);
    return res.resolved() ? res.code : std::string("?") + how_name(res.how);
  };
  CHECK(code("Văn phòng Huyện ủy") == "VPHU");
  CHECK(code("VP Huyện uỷ") == "VPHU");                 // abbreviation, another tone mark
  CHECK(code("Chi bộ Văn phòng Huyện ủy") == "VPHU");   // the party cell named after its unit
  CHECK(code("VPHU") == "VPHU");                         // the code
  CHECK(code("Phòng LĐTB&XH") == "LDTBXH");             // an acronym of initials
  CHECK(code("Phòng VH-TT") == "VHTT");
  CHECK(code("P. Nội vụ") == "PNV");                     // "P." read as phòng by what follows
  CHECK(code("TC-NV") == "TCNV");                        // an alias
  CHECK(code("Tổ CTXH") == "PVHXH");                     // an administrator's answer
  CHECK(code("Văn phòng Huyện ủy Hoành Bồ") == "VPHU");  // the district part added
  CHECK(code("Phòng Tài chính - Kế hoạch", "2024-06-01") == "TCKH");
  CHECK(code("Ban Kinh tế") == "?unknown");
  CHECK(code("Văn phòng") == "VPHU");  // within one unit's name only
  Resolution phong = resolver.resolve("Phòng", "2025-08-01");
  CHECK_FALSE(phong.resolved());       // within several: never a guess
  CHECK(phong.how == Resolution::How::kAmbiguous);
  CHECK(phong.candidates.size() > 1);
}

TEST_CASE("position titles give heads and deputies") {
  PositionLevels levels({"Trưởng ban"}, {});
  CHECK(levels.level("Trưởng phòng") == PositionLevel::kHead);
  CHECK(levels.level("Phó Trưởng phòng") == PositionLevel::kDeputy);
  CHECK(levels.level("Phó Bí thư") == PositionLevel::kDeputy);
  CHECK(levels.level("Chánh Văn phòng") == PositionLevel::kHead);
  CHECK(levels.level("Chuyên viên") == PositionLevel::kStaff);
  CHECK(levels.level("") == PositionLevel::kStaff);
}

TEST_CASE("headcount per unit on a date: merged units count their predecessors' staff, splits and unknown names are listed") {
  Files f;
  OrgRegistry r = f.load();
  UnitResolver resolver(r);
  PositionLevels levels;
  std::vector<PersonPlace> persons = {
      {"p1", "Ban Tổ chức Huyện ủy", "", "Trưởng ban", {}},
      {"p2", "", "Chi bộ Ban Tổ chức Huyện ủy", "Phó Trưởng ban", {}},  // only the party cell names the unit
      {"p3", "Phòng Nội vụ", "", "Trưởng phòng", {}},
      {"p4", "P. Nội vụ", "", "Chuyên viên", {}},
      {"p5", "Phòng LĐTB&XH", "", "Chuyên viên", {}},                 // split: not guessed
      {"p6", "Ban Kinh tế", "", "Chuyên viên", {}},                    // unknown
      {"p7", "", "", "", {}},                                          // nothing written
      {"p8", "Phòng VH-TT", "", "Phó Trưởng phòng", {}},
  };
  Headcount after = count_heads(r, resolver, levels, persons, "2025-08-01");
  CHECK(unit(after, "TCNV").headcount == 4);
  CHECK(unit(after, "TCNV").heads == 2);  // both former heads ("Trưởng ban" is a head by default too)
  CHECK(unit(after, "TCNV").deputies == 1);
  CHECK(unit(after, "PVHXH").headcount == 1);
  CHECK(unit(after, "PVHXH").deputies == 1);
  std::map<std::string, std::int64_t> unplaced;
  for (const auto& n : after.unplaced) unplaced[n.reason] += n.persons;
  CHECK(unplaced == std::map<std::string, std::int64_t>{{"split", 1}, {"unresolved", 1}, {"none", 1}});

  Headcount before = count_heads(r, resolver, levels, persons, "2025-01-01");
  CHECK(unit(before, "BTC").headcount == 2);
  CHECK(unit(before, "PNV").headcount == 2);
  CHECK(unit(before, "LDTBXH").headcount == 1);
  CHECK(unit(before, "VHTT").headcount == 1);
}

// The worked example of docs/organisation.md from Quảng Ninh's 2025 merges (the official mapping
// in core/data): on 1 July 2025 the wards Hà Phong (06652) and Hà Tu (06664) of Hạ Long became
// one Phường Hà Tu, which kept Hà Phong's code 06652; Hà Khánh (06649) and Cao Xanh (06658)
// became Phường Cao Xanh (06658). The wards' People's Committees follow them.
TEST_CASE("Quảng Ninh 2025: a new ward that keeps a predecessor's code, a name that moves to another code") {
  Files f(
      "code,name,kind,parent_code,valid_from,valid_to,aliases\n"
      "UB06652,Ủy ban nhân dân phường Hà Phong,state,,,2025-06-30,\n"
      "UB06652,Ủy ban nhân dân phường Hà Tu,state,,2025-07-01,,\n"
      "UB06664,Ủy ban nhân dân phường Hà Tu,state,,,2025-06-30,\n"
      "UB06649,Ủy ban nhân dân phường Hà Khánh,state,,,2025-06-30,\n"
      "UB06658,Ủy ban nhân dân phường Cao Xanh,state,,,,\n",
      "old_code,new_code,valid_from,share,legal_ref\n"
      "UB06664,UB06652,2025-07-01,full,sắp xếp ĐVHC cấp xã tỉnh Quảng Ninh 2025\n"
      "UB06649,UB06658,2025-07-01,full,sắp xếp ĐVHC cấp xã tỉnh Quảng Ninh 2025\n");
  OrgRegistry r = f.load();
  UnitResolver resolver(r);
  // "Hà Tu" names 06664 before the merger and 06652 after it: the date asked decides.
  CHECK(resolver.resolve("UBND phường Hà Tu", "2025-01-01").code == "UB06664");
  CHECK(resolver.resolve("UBND phường Hà Tu", "2025-08-01").code == "UB06652");
  CHECK(resolver.resolve("UBND P. Hà Phong", "2025-08-01").code == "UB06652");
  // Without a date (a golden value): the earlier of the two, which the crosswalk carries to the other.
  CHECK(resolver.resolve("UBND phường Hà Tu").how == Resolution::How::kAmbiguous);
  CHECK(resolver.resolve_undated("UBND phường Hà Tu").code == "UB06664");
  CHECK(r.carry("UB06664", "2025-08-01").front().code == "UB06652");
  CHECK(r.predecessors("UB06652") == std::vector<std::string>{"UB06664"});

  PositionLevels levels;
  auto posting = [](const char* code, const char* unit, const char* from, const char* to) {
    sdk::PersonPeriod p;
    p.kind = "posting";
    p.from = from;
    p.to = to;
    p.unit_code = code;
    p.fields["unit"] = unit;
    return p;
  };
  std::vector<PersonPlace> persons = {
      {"p1", "UBND phường Hà Phong", "", "Chủ tịch", {}},  // an office sheet of before the merger, undated
      {"p2", "UBND phường Hà Tu", "", "Chuyên viên",       // the civil-service system dates the move
       {posting("UB06664", "Ủy ban nhân dân phường Hà Tu", "2019-03-01", "2025-06-30"),
        posting("UB06652", "Ủy ban nhân dân phường Hà Tu", "2025-07-01", "")}},
      {"p3", "UBND phường Hà Khánh", "", "Phó Chủ tịch", {}},
      {"p4", "UBND phường Cao Xanh", "", "Chủ tịch", {}},
  };
  Headcount before = count_heads(r, resolver, levels, persons, "2025-06-30");
  Headcount after = count_heads(r, resolver, levels, persons, "2025-08-01");
  CHECK(unit(before, "UB06652").headcount == 1);
  CHECK(unit(before, "UB06652").unit->name == "Ủy ban nhân dân phường Hà Phong");
  CHECK(unit(before, "UB06664").headcount == 1);
  CHECK(unit(before, "UB06649").headcount == 1);
  CHECK(unit(after, "UB06652").headcount == 2);
  CHECK(unit(after, "UB06652").unit->name == "Ủy ban nhân dân phường Hà Tu");
  CHECK(unit(after, "UB06652").heads == 1);
  CHECK(unit(after, "UB06658").headcount == 2);
  CHECK(unit(after, "UB06658").heads == 1);
  CHECK(unit(after, "UB06658").deputies == 1);
  CHECK(after.units.size() == 2);
}
