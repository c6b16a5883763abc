#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/text.hpp"
#include "temp_dir.hpp"

using namespace hopnhat::sdk;

namespace {
std::string decoded(std::string_view bytes, Encoding e, Encoding* used = nullptr) {
  std::string out;
  Status st = decode(bytes, e, out, used);
  INFO(st.message());
  REQUIRE(st.is_ok());
  return out;
}
}  // namespace

TEST_CASE("TCVN3 bytes decode to NFC Vietnamese") {
  CHECK(decoded("Nguy\xD4n V\xA8n H\xEFng", Encoding::kTcvn3) == "Nguyễn Văn Hùng");
  CHECK(decoded("\xA7\xA3ng", Encoding::kTcvn3) == "ĐÊng");
}

TEST_CASE("TCVN3 combining tone bytes compose to precomposed letters") {
  // 'a' followed by TCVN3 0xB3 (combining acute) is NFC "á".
  CHECK(decoded("a\xB3", Encoding::kTcvn3) == "\xC3\xA1");
}

TEST_CASE("Windows-1258 text with combining tones decodes to NFC") {
  // "Nguy" + ê (0xEA) + combining tilde (0xDE) + "n"
  CHECK(decoded("Nguy\xEA\xDEn", Encoding::kWindows1258) == "Nguyễn");
}

TEST_CASE("VNI two-byte letters decode") {
  CHECK(decoded("Nguye\xE3n Va\xEAn Hu\xF8ng", Encoding::kVni) == "Nguyễn Văn Hùng");
  CHECK(decoded("\xD1inh", Encoding::kVni) == "Đinh");
}

TEST_CASE("UTF-16 with and without a byte-order mark") {
  std::string le("\xFF\xFE" "A\0n\0", 6);
  CHECK(decoded(le, Encoding::kUtf16) == "An");
  std::string no_bom("A\0n\0", 4);
  CHECK(decoded(no_bom, Encoding::kAuto) == "An");
}

TEST_CASE("auto detection tells UTF-8 from TCVN3 and Windows-1258") {
  Encoding used{};
  CHECK(decoded("Nguyễn Văn Hùng", Encoding::kAuto, &used) == "Nguyễn Văn Hùng");
  CHECK(used == Encoding::kUtf8);
  CHECK(decoded("Nguy\xD4n V\xA8n H\xEFng, Tr\xA7n Th\xDE Lan", Encoding::kAuto, &used) == "Nguyễn Văn Hùng, Tr" "\xC4\x90" "n Thị Lan");
  CHECK(used == Encoding::kTcvn3);
  decoded("Nguy\xEA\xDEn V\xE3n H\xF9\xCCng", Encoding::kAuto, &used);
  CHECK(used == Encoding::kWindows1258);
}

TEST_CASE("a UTF-8 text with one invalid byte stays UTF-8: the byte replaced and counted, never read whole as TCVN3") {
  const std::string text = "Số thẻ,Họ và tên\r\n1,Nguyễn Văn Hùng\r\n2,Trần Thị Lan\xFF\r\n3,Lê Đức Anh\r\n";
  std::string out;
  DecodeReport report;
  REQUIRE(decode(text, Encoding::kAuto, out, report).is_ok());
  CHECK(report.used == Encoding::kUtf8);
  CHECK(report.replaced == 1);
  CHECK(report.first_replaced == text.find('\xFF'));
  CHECK(report.guessed);
  CHECK_THAT(report.evidence, Catch::Contains("against 1 invalid byte"));
  CHECK_THAT(out, Catch::Contains("Nguyễn Văn Hùng"));
  CHECK_THAT(out, Catch::Contains("Trần Thị Lan\xEF\xBF\xBD"));
  // The form that cannot report what it replaced refuses instead of guessing.
  std::string old_out;
  std::size_t bad = 0;
  Status st = decode(text, Encoding::kAuto, old_out, nullptr, &bad);
  CHECK_FALSE(st.is_ok());
  CHECK(bad == text.find('\xFF'));
  // A real TCVN3 file is still read as TCVN3, and says why.
  REQUIRE(decode("Nguy\xD4n V\xA8n H\xEFng, Tr\xA7n Th\xDE Lan", Encoding::kAuto, out, report).is_ok());
  CHECK(report.used == Encoding::kTcvn3);
  CHECK(report.replaced == 0);
  CHECK_THAT(report.evidence, Catch::Contains("looks most Vietnamese"));
  // Valid UTF-8 is no guess.
  REQUIRE(decode("Nguyễn Văn Hùng", Encoding::kAuto, out, report).is_ok());
  CHECK_FALSE(report.guessed);
}

TEST_CASE("invalid UTF-8 is an error that gives the byte offset") {
  std::string out;
  std::size_t bad = 0;
  Status st = decode("ab\xC3(", Encoding::kUtf8, out, nullptr, &bad);
  CHECK_FALSE(st.is_ok());
  CHECK(bad == 2);
  CHECK_THAT(st.message(), Catch::Contains("not valid UTF-8"));
}

TEST_CASE("a UTF-8 byte-order mark is dropped") {
  CHECK(decoded("\xEF\xBB\xBFHo", Encoding::kUtf8) == "Ho");
}

TEST_CASE("decoding bytes handed over gives what decoding a view of them gives, and leaves them when it must") {
  const std::vector<std::pair<std::string, Encoding>> cases = {
      {"Số thẻ,Họ và tên\r\n1,Nguyễn Văn Hùng\r\n", Encoding::kAuto},            // UTF-8 in NFC: taken whole
      {"\xEF\xBB\xBFHọ,Tên\r\n", Encoding::kAuto},                                 // less its byte-order mark
      {"\xEF\xBB\xBFHo", Encoding::kUtf8},
      {"Nguye\xCC\x82\xCC\x83n", Encoding::kAuto},                                  // decomposed: made NFC
      {"Tr\xA7n Th\xDE Lan, Nguy\xD4n V\xA8n H\xEFng", Encoding::kAuto},           // TCVN3
      {"Nguy\xEA\xDEn", Encoding::kWindows1258},
      {"Lê Văn An,Trần Thị Lan,Nguyễn Văn Hùng,Phạm Đức\xFF", Encoding::kAuto},        // one byte replaced
      {"ab\xC3(", Encoding::kUtf8},                                                     // an error
  };
  for (const auto& [bytes, encoding] : cases) {
    INFO(bytes);
    std::string by_view, by_move, handed = bytes;
    DecodeReport seen, taken;
    Status a = decode(std::string_view(bytes), encoding, by_view, seen);
    Status b = decode_owned(std::move(handed), encoding, by_move, taken);
    CHECK(a.is_ok() == b.is_ok());
    CHECK(a.message() == b.message());
    if (!a.is_ok() || seen.replaced > 0) CHECK(handed == bytes);  // still there for line numbers
    if (!a.is_ok()) continue;
    CHECK(by_move == by_view);
    CHECK(taken.used == seen.used);
    CHECK(taken.replaced == seen.replaced);
    CHECK(taken.first_replaced == seen.first_replaced);
    CHECK(taken.evidence == seen.evidence);
    CHECK(taken.guessed == seen.guessed);
  }
}

TEST_CASE("decomposed input becomes NFC") {
  // "ễ" written as e + circumflex + tilde
  CHECK(to_nfc("Nguye\xCC\x82\xCC\x83n") == "Nguyễn");
}

TEST_CASE("a long text is normalised line by line: the same as each line alone, offsets kept") {
  CHECK(to_nfc("An\nNguye\xCC\x82\xCC\x83n\nB\xCC\x81\r\nHo\xCC\x80" "a") == "An\nNguyễn\nB\xCC\x81\r\nHòa");
  CHECK(to_nfc("x\n\xCC\x81y") == "x\n\xCC\x81y");  // a mark after a line feed composes with nothing
  const std::vector<std::string> pieces = {"Nguyễn", "Văn", " ", ",", "e\xCC\x82\xCC\x83", "o\xCC\x80", "\xCC\x81",
                                           "\n", "\r\n", "\xE4\xB8\xAD", "\xFF", "Ho\xCC\x9B\xCC\x81", "ß", ""};
  std::uint64_t state = 7;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int n = static_cast<int>((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 59);
    for (int k = 0; k < n * 2; ++k)
      text += pieces[((state = state * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) % pieces.size()];
    std::string by_line;
    std::size_t from = 0;
    for (std::size_t feed; (feed = text.find('\n', from)) != std::string::npos; from = feed + 1)
      by_line += to_nfc(text.substr(from, feed - from)) + "\n";
    by_line += to_nfc(text.substr(from));
    INFO(text);
    CHECK(to_nfc(text) == by_line);
  }
}

TEST_CASE("fold makes comparison keys: lower case, no diacritics, đ as d, single spaces") {
  CHECK(fold("  Đặng   Thị ÁNH ") == "dang thi anh");
  CHECK(fold("Hoà") == fold("Hòa"));
  CHECK(fold("\xC3\x90inh") == "dinh");  // eth typed for Đ
}

TEST_CASE("Vietnamese column headings map to canonical fields") {
  CHECK(canonical_field_for_heading("Họ và tên") == "full_name");
  CHECK(canonical_field_for_heading("HỌ TÊN") == "full_name");
  CHECK(canonical_field_for_heading("Ngày tháng năm sinh") == "birth_date");
  CHECK(canonical_field_for_heading("Ngày sinh (dd/mm/yyyy)") == "birth_date");
  CHECK(canonical_field_for_heading("Số định danh cá nhân") == "citizen_id");
  CHECK(canonical_field_for_heading("Mã ngạch") == "grade_code");
  CHECK(canonical_field_for_heading("birth_date") == "birth_date");
  CHECK_FALSE(canonical_field_for_heading("Ghi chú").has_value());
}

TEST_CASE("encoding option names parse") {
  CHECK(parse_encoding("TCVN3") == Encoding::kTcvn3);
  CHECK(parse_encoding("cp1258") == Encoding::kWindows1258);
  CHECK(parse_encoding("utf-8") == Encoding::kUtf8);
  CHECK_FALSE(parse_encoding("latin-9").has_value());
}

TEST_CASE("a file's fingerprint changes with its bytes and with the salt, and is the same read whole or in pieces") {
  const std::string bytes(3 << 20, 'x');  // more than one piece of fingerprint_file
  const std::string a = fingerprint(bytes, "csv 1\noptions");
  CHECK(a.size() == 32);
  CHECK(a == fingerprint(bytes, "csv 1\noptions"));
  CHECK(a != fingerprint(bytes, "csv 1\nother options"));
  CHECK(a != fingerprint(bytes.substr(1) + "y", "csv 1\noptions"));
  CHECK(fingerprint("ab", "c") != fingerprint("b", "ca"));  // the salt cannot run into the bytes
  TempDir dir;
  const auto path = dir.path / "staff.csv";
  { std::ofstream(path, std::ios::binary) << bytes; }
  CHECK(fingerprint_file(path.string(), "csv 1\noptions") == a);
  std::filesystem::remove(path);
  CHECK_FALSE(fingerprint_file(path.string(), "csv 1\noptions"));
}
