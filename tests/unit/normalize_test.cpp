#include <catch2/catch.hpp>

#include "hopnhat/sdk/fields.hpp"
#include "text/date.hpp"
#include "text/normalize.hpp"

using namespace hopnhat::text;
namespace sdk = hopnhat::sdk;

namespace {
std::string norm(const char* field, const char* raw) { return normalize_value(*sdk::find_field(field), raw).value; }
bool valid(const char* field, const char* raw) { return normalize_value(*sdk::find_field(field), raw).valid; }
}  // namespace

TEST_CASE("dates in every common form carry their precision") {
  CHECK(parse_date("12/09/1965")->iso() == "1965-09-12");
  CHECK(parse_date("1/2/65")->iso() == "1965-02-01");
  CHECK(parse_date("3/4/05")->iso() == "2005-04-03");
  CHECK(parse_date("1965-09-12")->iso() == "1965-09-12");
  CHECK(parse_date("09/2019")->iso() == "2019-09");
  CHECK(parse_date("1965")->iso() == "1965");
  CHECK(parse_date("00/00/1965")->iso() == "1965");
  CHECK(parse_date("1965")->precision() == DatePrecision::kYear);
  CHECK(parse_date("09/2019")->precision() == DatePrecision::kMonth);
}

TEST_CASE("impossible dates are not dates") {
  CHECK_FALSE(parse_date("31/02/1990"));
  CHECK_FALSE(parse_date("29/02/1991"));
  CHECK(parse_date("29/02/1992"));
  CHECK_FALSE(parse_date("không rõ"));
  CHECK_FALSE(parse_date("13/13/1990"));
}

TEST_CASE("Excel serial numbers, including the phantom 29 February 1900") {
  CHECK(from_excel_serial(1)->iso() == "1900-01-01");
  CHECK(from_excel_serial(59)->iso() == "1900-02-28");
  CHECK_FALSE(from_excel_serial(60));
  CHECK(from_excel_serial(61)->iso() == "1900-03-01");
  CHECK(from_excel_serial(25569)->iso() == "1970-01-01");
  CHECK(parse_date("44927")->iso() == "2023-01-01");
}

TEST_CASE("a citizen ID whose leading zero a spreadsheet dropped is restored") {
  REQUIRE(parse_citizen_id("1190012345"));      // 10 digits: two zeros lost (province 001)
  CHECK(parse_citizen_id("1190012345")->digits == "001190012345");
  CHECK_FALSE(parse_citizen_id("119001234"));   // 9 digits: an old CMND, not a CCCD
  auto ok = parse_citizen_id("01190012345");    // 11 digits: "0" + these
  REQUIRE(ok);
  CHECK(ok->digits == "001190012345");
  CHECK(ok->province == "Hà Nội");
  CHECK(ok->gender == "Nữ");
  CHECK(ok->birth_year_low == 1990);
}

TEST_CASE("an invalid citizen ID of digits and separators is kept as its digits, an old CMND named as such") {
  const auto& field = *hopnhat::sdk::find_field("citizen_id");
  auto spaced = normalize_value(field, "123 456 789"), plain = normalize_value(field, "123456789");
  CHECK_FALSE(spaced.valid);
  CHECK(spaced.value == "123456789");
  CHECK(plain.value == spaced.value);  // one number, not two values in conflict
  CHECK(spaced.problem == "a 9-digit CMND (the old identity card), not a 12-digit citizen ID");
  auto odd = normalize_value(field, "99-909.0012345");  // no province 999: invalid, but one number
  CHECK_FALSE(odd.valid);
  CHECK(odd.value == "999090012345");
  CHECK(odd.problem == "not a valid 12-digit citizen ID");
  auto words = normalize_value(field, "chưa có 123");  // not a number: kept as given
  CHECK(words.value == "chưa có 123");
  CHECK(normalize_value(field, "001 090 012 345").value == "001090012345");
}

TEST_CASE("citizen IDs with an unknown province or gender digit are not valid") {
  CHECK_FALSE(parse_citizen_id("999090012345"));  // no province 999
  CHECK_FALSE(parse_citizen_id("001890012345"));  // digit 8 is no gender/century
  CHECK_FALSE(parse_citizen_id("00109001234A"));
  CHECK(parse_citizen_id("001 090 012 345"));
  REQUIRE(parse_citizen_id("2.2088E+10"));  // a number cell: 22088000000, zero lost
  CHECK(parse_citizen_id("2.2088E+10")->digits == "022088000000");
}

TEST_CASE("ID numbers shown in scientific notation come back as digits") {
  CHECK(norm("old_id_number", "1.23456789E+8") == "123456789");
}

TEST_CASE("gender from Nam/Nữ, 1/0 and M/F") {
  CHECK(parse_gender("nam") == "Nam");
  CHECK(parse_gender("NỮ") == "Nữ");
  CHECK(parse_gender("Nu") == "Nữ");
  CHECK(parse_gender("1") == "Nam");
  CHECK(parse_gender("0") == "Nữ");
  CHECK(parse_gender("F") == "Nữ");
  CHECK_FALSE(parse_gender("x"));
}

TEST_CASE("names are NFC, single-spaced and capitalised per word") {
  CHECK(normalize_name("  nguyễn   văn AN ") == "Nguyễn Văn An");
  CHECK(normalize_name("ĐẶNG THỊ ÁNH") == "Đặng Thị Ánh");
  CHECK(normalize_name("\xC3\x90inh V\xC4\x83n B") == "Đinh Văn B");
}

TEST_CASE("values normalise by their field's type") {
  CHECK(norm("birth_date", "12/09/1965") == "1965-09-12");
  CHECK(norm("salary_coefficient", "2,34") == "2.34");
  CHECK(norm("salary_step", "3") == "3");
  CHECK(norm("phone", "+84 912 345 678") == "0912345678");
  CHECK(norm("email", "An.Nguyen@Example.VN") == "an.nguyen@example.vn");
  CHECK_FALSE(valid("birth_date", "không nhớ"));
  CHECK(norm("birth_date", "không nhớ") == "không nhớ");  // kept as given, flagged
  CHECK(norm("full_name", "") == "");
}
