#include <catch2/catch.hpp>

#include "csv_format.hpp"

using namespace hopnhat_csv;

TEST_CASE("RFC 4180: quoted delimiters, doubled quotes and newlines inside a cell") {
  std::vector<Row> rows;
  REQUIRE(parse_csv("a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\r\nlast,row", ',', rows).is_ok());
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].cells == std::vector<std::string>{"x,1", "say \"hi\"\nthere"});
  CHECK(rows[1].line == 2);
  CHECK(rows[2].line == 4);
}

TEST_CASE("an unclosed quote names the line where the cell starts") {
  std::vector<Row> rows;
  auto st = parse_csv("a,b\nc,\"open\nmore\n", ',', rows);
  CHECK_FALSE(st.is_ok());
  CHECK_THAT(st.message(), Catch::Contains("line 2"));
}

TEST_CASE("the delimiter is the most frequent candidate outside quotes in the first row") {
  CHECK(detect_delimiter("a;b;\"c,d,e\"\n1,2") == ';');
  CHECK(detect_delimiter("a\tb\tc\n") == '\t');
  CHECK(detect_delimiter("only") == ',');
}

TEST_CASE("cells a spreadsheet would run as formulas are written as text") {
  CHECK(format_cell("=HYPERLINK(\"x\")", ',') == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(format_cell("+84912", ',') == "'+84912");
  CHECK(format_cell("-1", ',') == "'-1");
  CHECK(format_cell("@SUM", ',') == "'@SUM");
  CHECK(format_cell("\tx", ',') == "'\tx");
  CHECK(format_cell("Nguyễn, An", ',') == "\"Nguyễn, An\"");
}
