#include "gen/generator.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::gen {
namespace {

// splitmix64: small, fast and the same on every platform (std distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(double p) { return static_cast<double>(next() >> 11) / 9007199254740992.0 < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))]; }

 private:
  std::uint64_t state_;
};

struct Person {
  std::string family, middle, given;
  bool male = true;
  int year = 0, month = 0, day = 0;
  std::string cccd;
  std::string hometown;
  std::string unit, position, grade, group;
  int step = 1;
  double coefficient = 0;
  std::string phone;
  bool party = false, civil = false, office = false;
  int join_year = 0;
  std::string cell;
  std::string full() const { return family + (middle.empty() ? "" : " " + middle) + " " + given; }
};

std::string pad(int v, int width) {
  std::string s = std::to_string(v);
  return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
}

std::string csv_cell(const std::string& v, char delim) {
  if (v.find_first_of(std::string("\"\r\n") + delim) == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) { if (c == '"') out += '"'; out += c; }
  return out + "\"";
}

void write_row(std::ostream& out, const std::vector<std::string>& cells, char delim) {
  for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? std::string(1, delim) : "") << csv_cell(cells[i], delim);
  out << "\r\n";
}

std::string strip_diacritics(const std::string& s) {
  // Display-case kept: fold() lowercases, so rebuild case from the original per character.
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString d = icu::Normalizer2::getNFDInstance(err)->normalize(icu::UnicodeString::fromUTF8(s), err);
  icu::UnicodeString out;
  for (int32_t i = 0; i < d.length(); i = d.moveIndex32(i, 1)) {
    UChar32 c = d.char32At(i);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (c == 0x111) c = 'd';
    if (c == 0x110) c = 'D';
    out.append(c);
  }
  std::string r;
  out.toUTF8String(r);
  return r;
}

std::string typo(Random& rnd, const std::string& s) {
  // Swap two adjacent ASCII letters, or drop one: the usual slips of a typist.
  std::vector<std::size_t> ascii;
  for (std::size_t i = 1; i + 1 < s.size(); ++i)
    if (std::isalpha(static_cast<unsigned char>(s[i])) && std::isalpha(static_cast<unsigned char>(s[i + 1]))) ascii.push_back(i);
  if (ascii.empty()) return s;
  std::size_t i = ascii[static_cast<std::size_t>(rnd.below(static_cast<int>(ascii.size())))];
  std::string t = s;
  if (rnd.chance(0.5)) std::swap(t[i], t[i + 1]);
  else t.erase(i, 1);
  return t;
}

std::string date_dmy(const Person& p) { return pad(p.day, 2) + "/" + pad(p.month, 2) + "/" + std::to_string(p.year); }

// Moves the tone mark between the two vowels of "oa", "oe", "uy" at the end of a syllable:
// "Hòa" <-> "Hoà", the old and new placements offices still mix.
std::string swap_tone_placement(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  icu::UnicodeString d = nfd->normalize(icu::UnicodeString::fromUTF8(s), err);
  std::u32string u;
  for (int32_t i = 0; i < d.length(); i = d.moveIndex32(i, 1)) u.push_back(static_cast<char32_t>(d.char32At(i)));
  auto tone = [](char32_t c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; };
  auto lower = [](char32_t c) { return c < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c; };
  for (std::size_t i = 0; i + 2 < u.size(); ++i) {
    char32_t a = lower(u[i]);
    bool end = i + 3 >= u.size() || u[i + 3] == ' ';
    // new style: vowel, tone, vowel  ->  old style: vowel, vowel, tone
    if ((a == 'o' || a == 'u') && tone(u[i + 1])) {
      char32_t b = lower(u[i + 2]);
      if (((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y')) && end) {
        std::swap(u[i + 1], u[i + 2]);
        break;
      }
    }
  }
  icu::UnicodeString out = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(u.data()), static_cast<int32_t>(u.size()));
  std::string r;
  out.toUTF8String(r);
  return sdk::to_nfc(r);
}

std::string to_nfd(const std::string& s) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString d = icu::Normalizer2::getNFDInstance(err)->normalize(icu::UnicodeString::fromUTF8(s), err);
  std::string r;
  d.toUTF8String(r);
  return r;
}

std::string to_upper(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u.toUpper(icu::Locale("vi"));
  std::string r;
  u.toUTF8String(r);
  return r;
}

std::string drop_middle(const Person& p) { return p.family + " " + p.given; }

// A name typed in a TCVN3 font, then read as Windows-1252 by another program and saved as
// UTF-8: "NguyÔn V¨n Hïng".
std::string tcvn3_mojibake(const std::string& s) {
  std::string bytes = encode_tcvn3(s), out;
  for (char ch : bytes) {
    auto b = static_cast<unsigned char>(ch);
    std::string decoded;
    if (b < 0xA0 && b >= 0x80 && sdk::decode(std::string(1, ch), sdk::Encoding::kWindows1258, decoded)) out += decoded;
    else if (b >= 0x80) { out.push_back(static_cast<char>(0xC0 | (b >> 6))); out.push_back(static_cast<char>(0x80 | (b & 0x3F))); }
    else out.push_back(ch);
  }
  return out;
}

// One digit of the last six changed: a CCCD that is still valid but belongs to nobody here.
// A keystroke anywhere in the number: a digit substituted (two in three) or two neighbours
// swapped, the province and the embedded century, gender and year digits included.
std::string mistype_any_digit(Random& rnd, std::string id) {
  std::size_t at = static_cast<std::size_t>(rnd.below(static_cast<int>(id.size()) - 1));
  if (rnd.below(3) < 2) id[at] = static_cast<char>('0' + (id[at] - '0' + 1 + rnd.below(9)) % 10);
  else if (id[at] != id[at + 1]) std::swap(id[at], id[at + 1]);
  else id[at] = static_cast<char>('0' + (id[at] - '0' + 1) % 10);
  return id;
}

std::string mistype_digit(Random& rnd, std::string id) {
  std::size_t at = id.size() - 1 - static_cast<std::size_t>(rnd.below(6));
  id[at] = static_cast<char>('0' + (id[at] - '0' + 1 + rnd.below(9)) % 10);
  return id;
}

}  // namespace

std::string encode_tcvn3(const std::string& utf8) {
  static const std::map<char32_t, unsigned char> kReverse = [] {
    std::map<char32_t, unsigned char> rev;
    std::string probe;
    for (int b = 1; b < 256; ++b) {
      if (b < 0x80 && b >= 0x20) continue;
      std::string decoded;
      std::string byte(1, static_cast<char>(b));
      if (!sdk::decode(byte, sdk::Encoding::kTcvn3, decoded)) continue;
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(decoded);
      if (u.countChar32() == 1 && u.char32At(0) >= 0x80) rev.emplace(static_cast<char32_t>(u.char32At(0)), static_cast<unsigned char>(b));
    }
    return rev;
  }();
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(sdk::to_nfc(utf8));
  std::string out;
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    UChar32 c = u.char32At(i);
    if (c < 0x80) { out.push_back(static_cast<char>(c)); continue; }
    auto it = kReverse.find(static_cast<char32_t>(c));
    if (it != kReverse.end()) { out.push_back(static_cast<char>(it->second)); continue; }
    icu::UnicodeString d = nfd->normalize(icu::UnicodeString(c), err);  // base + marks
    for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1)) {
      auto m = kReverse.find(static_cast<char32_t>(d.char32At(k)));
      if (d.char32At(k) < 0x80) out.push_back(static_cast<char>(d.char32At(k)));
      else if (m != kReverse.end()) out.push_back(static_cast<char>(m->second));
      else out.push_back('?');
    }
  }
  return out;
}

// The merger scenario's units (GenOptions::merger): code, official name, kind, how office
// sheets write it (abbreviations the agency uses), the name of its party cell.
struct GenUnit {
  const char* code;
  const char* name;
  const char* kind;
  std::vector<std::string> office_spellings;
  const char* cell;
};
const std::vector<GenUnit>& gen_units() {
  static const std::vector<GenUnit> units = {
      {"TCCB", "Phòng Tổ chức cán bộ", "party", {"Phòng Tổ chức cán bộ", "P. Tổ chức cán bộ", "Phòng TCCB"}, "Tổ chức cán bộ"},
      {"PNV", "Phòng Nội vụ", "state", {"Phòng Nội vụ", "P. Nội vụ", "P.Nội vụ"}, "Nội vụ"},
      {"VP", "Văn phòng", "party", {"Văn phòng", "VP"}, "Văn phòng"},
      {"DV", "Phòng Đảng viên", "party", {"Phòng Đảng viên", "P. Đảng viên"}, "Đảng viên"},
      {"CQDP", "Phòng Chính quyền địa phương", "state", {"Phòng Chính quyền địa phương", "P. Chính quyền địa phương", "Phòng CQĐP"}, "Chính quyền địa phương"},
      {"TDKT", "Phòng Thi đua khen thưởng", "state", {"Phòng Thi đua khen thưởng", "P. Thi đua - Khen thưởng", "Phòng TĐKT"}, "Thi đua khen thưởng"},
      {"CSD", "Phòng Cơ sở đảng", "party", {"Phòng Cơ sở đảng", "P. Cơ sở Đảng", "Phòng CSĐ"}, "Cơ sở đảng"}};
  return units;
}
const GenUnit& gen_unit(const std::string& name) {
  for (const auto& u : gen_units())
    if (name == u.name) return u;
  throw std::logic_error("gen: no unit named " + name);
}
std::string cell_name_of(const std::string& unit) { return gen_unit(unit).cell; }
std::string office_spelling(Random& rnd, const std::string& unit) { return rnd.pick(gen_unit(unit).office_spellings); }

// units.csv, crosswalk.csv and truth_units.csv of the merger scenario: Phòng Tổ chức cán bộ (of
// the Party committee) and Phòng Nội vụ (of the State) become one Phòng Tổ chức - Nội vụ on
// 2025-07-01; the other units go on.
void write_organisation(const std::filesystem::path& dir, const std::vector<Person>& people) {
  std::ofstream units(dir / "units.csv", std::ios::binary), crosswalk(dir / "crosswalk.csv", std::ios::binary),
      truth(dir / "truth_units.csv", std::ios::binary);
  if (!units || !crosswalk || !truth) throw std::runtime_error((dir / "").string() + ": cannot write the organisation's files");
  // Quotas as a merger sets them: each unit's staff give or take a few, the merged unit fewer
  // than its two predecessors had (the point of merging).
  std::map<std::string, int> staff;
  for (const auto& p : people) ++staff[gen_unit(p.unit).code];
  auto quota = [&](int n, int percent) { return std::to_string(std::max(1, n * percent / 100)); };
  units << "code,name,kind,parent_code,valid_from,valid_to,aliases,quota\n";
  for (const auto& u : gen_units()) {
    const bool merged = std::string(u.code) == "TCCB" || std::string(u.code) == "PNV";
    units << u.code << "," << u.name << "," << u.kind << ",,," << (merged ? "2025-06-30" : "") << ",,"
          << quota(staff[u.code], 105) << "\n";
  }
  units << "TCNV,Phòng Tổ chức - Nội vụ,state,,2025-07-01,,Tổ chức - Nội vụ," << quota(staff["TCCB"] + staff["PNV"], 90) << "\n";
  crosswalk << "old_code,new_code,valid_from,share,legal_ref\n"
            << "TCCB,TCNV,2025-07-01,full,Quyết định hợp nhất\n"
            << "PNV,TCNV,2025-07-01,full,Quyết định hợp nhất\n";
  truth << "person,unit_code,position\n";
  for (std::size_t i = 0; i < people.size(); ++i)
    truth << "G" << pad(static_cast<int>(i + 1), 7) << "," << gen_unit(people[i].unit).code << "," << people[i].position << "\n";
}

// The civil-service system's "quá trình công tác" of the merger scenario, and its truth. Drawn
// from a random stream of its own, so the records are those of the scenario without postings.
// Of the persons the system holds: one in seven came from another unit (a transfer before
// 2025), those of the two merged units move to the new one on 2025-07-01, about 3% joined
// after the merger and 3% left before today. The system's own "Đơn vị" column is not updated
// (it still names the unit before the merger), as such systems lag.
void write_postings(const std::filesystem::path& dir, const std::vector<Person>& people, std::uint64_t seed) {
  std::ofstream postings(dir / "civil_postings.csv", std::ios::binary), truth(dir / "truth_postings.csv", std::ios::binary);
  if (!postings || !truth) throw std::runtime_error((dir / "").string() + ": cannot write the postings files");
  Random rnd(seed * 31 + 7);
  postings << "Mã cán bộ,Từ ngày,Đến ngày,Đơn vị,Chức vụ\n";
  truth << "person,unit_code,position,from,to\n";
  auto dmy = [](int y, int m, int d) { return pad(d, 2) + "/" + pad(m, 2) + "/" + std::to_string(y); };
  auto iso = [](int y, int m, int d) { return std::to_string(y) + "-" + pad(m, 2) + "-" + pad(d, 2); };
  const GenUnit merged{"TCNV", "Phòng Tổ chức - Nội vụ", "state", {}, ""};
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    if (!p.civil) continue;
    const std::string id = "CB" + pad(static_cast<int>(100000 + i), 6), who = "G" + pad(static_cast<int>(i + 1), 7);
    auto row = [&](const GenUnit& u, const std::string& position, std::array<int, 3> from, std::optional<std::array<int, 3>> to) {
      postings << id << "," << dmy(from[0], from[1], from[2]) << "," << (to ? dmy((*to)[0], (*to)[1], (*to)[2]) : "") << ","
               << u.name << "," << position << "\n";
      truth << who << "," << u.code << "," << position << "," << iso(from[0], from[1], from[2]) << ","
            << (to ? iso((*to)[0], (*to)[1], (*to)[2]) : "") << "\n";
    };
    const GenUnit& unit = gen_unit(p.unit);
    const bool merges = std::string(unit.code) == "TCCB" || std::string(unit.code) == "PNV";
    if (rnd.chance(0.03)) {  // joined after the merger, into the unit of today
      row(merges ? merged : unit, p.position, {2025, 8 + rnd.below(5), 1}, std::nullopt);
      continue;
    }
    std::array<int, 3> start{std::min(2022, p.year + 22 + rnd.below(10)), 1 + rnd.below(12), 1};
    std::optional<std::array<int, 3>> left;
    if (rnd.chance(0.03)) left = std::array<int, 3>{rnd.chance(0.5) ? 2024 : 2026, 1 + rnd.below(6), 28};
    if (rnd.chance(1.0 / 7) && start[0] < 2022) {  // a transfer: first another unit, then this one
      const GenUnit* before = &gen_units()[static_cast<std::size_t>(rnd.below(static_cast<int>(gen_units().size())))];
      if (before->code == std::string(unit.code)) before = &gen_units()[(static_cast<std::size_t>(before - &gen_units()[0]) + 1) % gen_units().size()];
      const int moved = start[0] + 1 + rnd.below(2023 - start[0]);
      row(*before, "Chuyên viên", start, std::array<int, 3>{moved, 3, 31});
      start = {moved, 4, 1};
    }
    if (left && (*left)[0] == 2024) {  // left before the merger: one posting, closed
      row(unit, p.position, start, left);
      continue;
    }
    if (!merges) {
      row(unit, p.position, start, left);
      continue;
    }
    row(unit, p.position, start, std::array<int, 3>{2025, 6, 30});
    // One head for one unit: the heads of Phòng Nội vụ become deputies of the merged unit.
    const bool demoted = std::string(unit.code) == "PNV" && p.position == "Trưởng phòng";
    row(merged, demoted ? "Phó Trưởng phòng" : p.position, {2025, 7, 1}, left);
  }
}

GenSummary generate(const GenOptions& opt) {
  const auto& t = text::domain_tables();
  Random rnd(opt.seed);
  std::filesystem::create_directories(opt.out_dir);

  // Family names by their share; a regional pair ("Huỳnh/Hoàng") splits its share.
  std::vector<std::pair<std::string, double>> surnames;
  double total = 0;
  for (const auto& s : t.surnames) {
    auto slash = s.name.find('/');
    if (slash == std::string::npos) surnames.emplace_back(s.name, s.percent);
    else {
      surnames.emplace_back(s.name.substr(0, slash), s.percent / 2);
      surnames.emplace_back(s.name.substr(slash + 1), s.percent / 2);
    }
    total += s.percent;
  }
  const std::vector<std::string> rare = {"Triệu", "Lương", "Đinh", "Trịnh", "Mai", "Tạ", "Đoàn", "Lâm", "Hà", "Kiều"};
  const std::vector<std::string> male_middle = {"Văn", "Đức", "Hữu", "Quang", "Minh", "Xuân", "Công", "Đình"};
  const std::vector<std::string> female_middle = {"Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng"};
  const std::vector<std::string> units = {"Phòng Tổ chức cán bộ", "Phòng Nội vụ", "Văn phòng", "Phòng Đảng viên",
                                          "Phòng Chính quyền địa phương", "Phòng Thi đua khen thưởng", "Phòng Cơ sở đảng"};
  const std::vector<std::string> positions = {"Chuyên viên", "Chuyên viên", "Chuyên viên", "Chuyên viên chính",
                                              "Phó Trưởng phòng", "Trưởng phòng", "Cán sự", "Nhân viên"};
  const std::vector<std::string> cells = {"Chi bộ Tổ chức", "Chi bộ Nội vụ", "Chi bộ Văn phòng", "Chi bộ Cơ quan"};
  std::vector<std::string> province_codes;
  for (const auto& [code, name] : t.provinces_by_cccd_code) province_codes.push_back(code);
  std::vector<std::string> province_names;
  for (const auto& [code, name] : t.provinces_by_cccd_code) province_names.push_back(name);

  std::vector<Person> people;
  std::set<std::string> cccds;
  for (std::int64_t n = 0; n < opt.persons; ++n) {
    Person p;
    // About three persons in a hundred are namesakes of an earlier one, born the same year.
    if (!people.empty() && rnd.chance(opt.noise.namesakes.value_or(0.03))) {
      const Person& twin = people[static_cast<std::size_t>(rnd.below(static_cast<int>(people.size())))];
      p.family = twin.family; p.middle = twin.middle; p.given = twin.given; p.male = twin.male; p.year = twin.year;
      p.month = 1 + rnd.below(12);
      p.day = 1 + rnd.below(28);
    } else {
      p.male = rnd.chance(0.55);
      double r = static_cast<double>(rnd.below(1000000)) / 1000000.0 * (total + 6.0);
      p.family = rare[static_cast<std::size_t>(rnd.below(static_cast<int>(rare.size())))];
      for (const auto& [name, share] : surnames) {
        if (r < share) { p.family = name; break; }
        r -= share;
      }
      if (rnd.chance(0.6)) p.middle = rnd.pick(p.male ? male_middle : female_middle);
      const auto& two = p.male ? t.male_given_names : t.female_given_names;
      const auto& one = p.male ? t.male_single_names : t.female_single_names;
      if (p.middle.empty()) p.given = rnd.pick(two);
      else p.given = rnd.pick(one);
      p.year = 1963 + rnd.below(38);
      p.month = 1 + rnd.below(12);
      p.day = 1 + rnd.below(28);
    }
    do {
      int century_digit = (p.year >= 2000 ? 2 : 0) + (p.male ? 0 : 1);
      p.cccd = rnd.pick(province_codes) + std::to_string(century_digit) + pad(p.year % 100, 2) + pad(rnd.below(1000000), 6);
    } while (!cccds.insert(p.cccd).second);
    p.hometown = rnd.pick(province_names);
    const auto& group = t.salary_groups[static_cast<std::size_t>(rnd.below(static_cast<int>(t.salary_groups.size())))];
    p.group = group.group;
    p.grade = group.group == "A1" ? "01.003" : group.group == "A2.1" ? "01.002" : group.group == "A3.1" ? "01.001" : "01.004";
    p.step = 1 + rnd.below(static_cast<int>(group.coefficients.size()));
    p.coefficient = group.coefficients[static_cast<std::size_t>(p.step - 1)];
    p.unit = rnd.pick(units);
    p.position = rnd.pick(positions);
    p.phone = "09" + pad(rnd.below(100000000), 8);
    p.party = rnd.chance(0.65);
    p.civil = rnd.chance(0.85);
    p.office = rnd.chance(0.5);
    if (!p.party && !p.civil && !p.office) p.civil = true;
    p.join_year = std::min(2024, p.year + 22 + rnd.below(15));
    p.cell = rnd.pick(cells);
    // In the merger scenario a party cell is named after its members' unit, as in an agency
    // ("Chi bộ Nội vụ" for Phòng Nội vụ); a few write the agency-wide cell, which names no unit.
    if (opt.merger) p.cell = rnd.chance(0.05) ? "Chi bộ Cơ quan" : "Chi bộ " + cell_name_of(p.unit);
    people.push_back(std::move(p));
  }

  GenSummary sum;
  sum.persons = opt.persons;
  std::ofstream party(opt.out_dir / "party_members.csv", std::ios::binary);
  std::ofstream civil(opt.out_dir / "civil_servants.csv", std::ios::binary);
  std::ofstream office(opt.out_dir / "office_staff_tcvn3.csv", std::ios::binary);
  std::ofstream truth(opt.out_dir / "truth.csv", std::ios::binary);
  if (!party || !civil || !office || !truth) throw std::runtime_error((opt.out_dir / "").string() + ": cannot write the generated files");
  write_row(party, {"Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD", "Ngày vào Đảng",
                    "Ngày chính thức", "Chi bộ"}, ',');
  write_row(civil, {"Mã cán bộ", "Họ tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã ngạch", "Bậc lương",
                    "Hệ số lương", "Đơn vị", "Chức vụ"}, ';');
  std::ostringstream office_utf8;
  write_row(office_utf8, {"STT", "Mã hồ sơ", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CCCD", "Số điện thoại",
                          "Đơn vị", "Chức vụ"}, ',');
  truth << "source,record_id,person\r\n";
  int stt = 0;
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    const std::string person_key = "G" + pad(static_cast<int>(i + 1), 7);
    if (p.party) {
      std::string id = pad(static_cast<int>(10000000 + i * 7 % 9000000), 8);
      std::string birth = date_dmy(p);
      if (rnd.chance(0.05)) birth = pad(p.month, 2) + "/" + std::to_string(p.year);
      else if (rnd.chance(0.04)) birth = std::to_string(p.year);
      std::string cccd = rnd.chance(opt.noise.missing_cccd.value_or(0.12)) ? "" : p.cccd;  // older members never had it entered
      if (!cccd.empty() && opt.noise.cccd_typo && rnd.chance(*opt.noise.cccd_typo)) cccd = mistype_any_digit(rnd, cccd);
      std::string party_name = p.full();
      if (opt.noise.name_typo && rnd.chance(*opt.noise.name_typo)) party_name = typo(rnd, party_name);
      if (rnd.chance(0.05)) party_name = swap_tone_placement(party_name);
      if (rnd.chance(0.02) && !p.middle.empty()) party_name = drop_middle(p);
      std::string join = pad(1 + rnd.below(28), 2) + "/" + pad(1 + rnd.below(12), 2) + "/" + std::to_string(p.join_year);
      std::string official = pad(1 + rnd.below(28), 2) + "/" + pad(1 + rnd.below(12), 2) + "/" + std::to_string(p.join_year + 1);
      write_row(party, {id, party_name, birth, p.male ? "Nam" : "Nữ", p.hometown, cccd, join, official, p.cell}, ',');
      truth << "party," << id << "," << person_key << "\r\n";
      ++sum.party_records;
    }
    if (p.civil) {
      std::string id = "CB" + pad(static_cast<int>(100000 + i), 6);
      std::string name = p.full();
      if (rnd.chance(opt.noise.name_typo.value_or(0.03))) name = typo(rnd, name);
      if (rnd.chance(0.03)) name = to_nfd(name);             // decomposed Unicode from a Mac or a web form
      else if (rnd.chance(0.01)) name = tcvn3_mojibake(name);  // legacy text that went through Windows-1252
      std::string cccd = rnd.chance(0.05) ? "" : p.cccd;
      if (!cccd.empty() && rnd.chance(opt.noise.cccd_typo.value_or(0.01)))
        cccd = opt.noise.cccd_typo ? mistype_any_digit(rnd, cccd) : mistype_digit(rnd, cccd);
      char coef[16];
      std::snprintf(coef, sizeof coef, "%.2f", p.coefficient);
      write_row(civil, {id, name, std::to_string(p.year) + "-" + pad(p.month, 2) + "-" + pad(p.day, 2),
                        p.male ? "1" : "0", cccd, p.grade, std::to_string(p.step), coef, p.unit, p.position}, ';');
      truth << "civil," << id << "," << person_key << "\r\n";
      ++sum.civil_records;
    }
    if (p.office) {
      std::string id = "HS" + pad(static_cast<int>(i + 1), 5);
      std::string name = p.full();
      if (rnd.chance(0.05)) name = strip_diacritics(name);
      if (rnd.chance(0.05)) name = to_upper(name);
      if (rnd.chance(0.04) && !p.middle.empty()) name = drop_middle(p);
      if (opt.noise.name_typo && rnd.chance(*opt.noise.name_typo)) name = typo(rnd, name);
      std::string birth = date_dmy(p);
      if (rnd.chance(0.03) && p.day <= 12 && p.day != p.month) birth = pad(p.month, 2) + "/" + pad(p.day, 2) + "/" + std::to_string(p.year);
      std::string cccd = p.cccd;
      if (cccd[0] == '0' && rnd.chance(0.3)) cccd.erase(0, 1);  // the spreadsheet took it for a number
      if (opt.noise.cccd_typo && rnd.chance(*opt.noise.cccd_typo)) cccd = mistype_any_digit(rnd, cccd);
      if (rnd.chance(opt.noise.missing_cccd.value_or(0.08))) cccd.clear();
      const std::string unit = opt.merger ? office_spelling(rnd, p.unit) : p.unit;
      write_row(office_utf8, {std::to_string(++stt), id, name, birth, p.male ? "Nam" : "Nữ", cccd, p.phone, unit, p.position}, ',');
      truth << "office," << id << "," << person_key << "\r\n";
      ++sum.office_records;
    }
  }
  office << encode_tcvn3(office_utf8.str());

  // The true values of each person, for measuring golden records (bench/golden_eval.py).
  std::ofstream persons(opt.out_dir / "truth_persons.csv", std::ios::binary);
  if (!persons) throw std::runtime_error((opt.out_dir / "truth_persons.csv").string() + ": cannot write");
  persons << "person,full_name,birth_date,gender,citizen_id\r\n";
  for (std::size_t i = 0; i < people.size(); ++i) {
    const Person& p = people[i];
    write_row(persons, {"G" + pad(static_cast<int>(i + 1), 7), p.full(),
                        std::to_string(p.year) + "-" + pad(p.month, 2) + "-" + pad(p.day, 2), p.male ? "Nam" : "Nữ", p.cccd}, ',');
  }

  if (opt.merger) {
    write_organisation(opt.out_dir, people);
    write_postings(opt.out_dir, people, opt.seed);
  }
  std::ofstream cfg(opt.out_dir / "hopnhat.json", std::ios::binary);
  cfg << R"({
  "store": {"sqlite": "hopnhat.db"},)" << (opt.merger ? R"(
  "organisation": {"units": "units.csv", "crosswalk": "crosswalk.csv"},)" : "") << R"(
  "sources": [
    {"name": "party", "plugin": "csv", "options": {"path": "party_members.csv", "id": "Số thẻ đảng viên"}},
    {"name": "civil", "plugin": "csv", "options": {"path": "civil_servants.csv", "id": "Mã cán bộ")"
      << (opt.merger ? R"(, "history": [{"path": "civil_postings.csv", "kind": "posting"}])" : "") << R"(}},
    {"name": "office", "plugin": "csv", "options": {"path": "office_staff_tcvn3.csv", "id": "Mã hồ sơ", "encoding": "auto"}}
  ],
  "survivorship": {
    "source_priority": ["civil", "party", "office"],
    "fields": {
      "party_card_no": ["party"], "party_join_date": ["party"], "party_official_date": ["party"],
      "party_unit": ["party"], "hometown": ["party", "civil", "office"]
    }
  },
  "exports": [
    {"name": "roster", "plugin": "csv", "options": {"path": "out/roster.csv"}}
  ]
}
)";
  return sum;
}

}  // namespace hopnhat::gen
