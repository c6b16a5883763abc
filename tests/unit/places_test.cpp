// Administrative units before and after the 2025 reform (org/places.hpp), on the lists compiled
// in: the expected answers are read off core/data (provinces_2025_merges.csv, Quảng Ninh's
// communes and their merges), not computed by the code under test.
#include <catch2/catch.hpp>

#include <fstream>

#include "org/places.hpp"
#include "org/units.hpp"
#include "temp_dir.hpp"

using hopnhat::org::PlaceRegistry;

TEST_CASE("an old commune resolves to the commune it merged into, with today's province") {
  const PlaceRegistry& places = PlaceRegistry::builtin();
  auto a = places.resolve("Phường Hà Phong, TP Hạ Long, tỉnh Quảng Ninh");  // 06652 Hà Phong → 06652 Hà Tu
  CHECK(a.how == "commune");
  CHECK(a.now == "Phường Hà Tu, tỉnh Quảng Ninh");
  CHECK(a.province_code == "22");
  CHECK(a.changed);
  // Without the kinds, in another order of separators, and with a note of the writer's own.
  CHECK(places.resolve("Hà Khánh - Hạ Long - Quảng Ninh").now == "Phường Cao Xanh, tỉnh Quảng Ninh");
  CHECK(places.resolve("xã Hà Khánh, thành phố Hạ Long (cũ)").now == "Phường Cao Xanh, tỉnh Quảng Ninh");
  // A commune that kept its name: resolved, not changed.
  auto same = places.resolve("Phường Hà Tu, tỉnh Quảng Ninh");
  CHECK(same.now == "Phường Hà Tu, tỉnh Quảng Ninh");
  CHECK_FALSE(same.changed);
}

TEST_CASE("a commune split over several new ones, or a name of two districts, is not guessed") {
  const PlaceRegistry& places = PlaceRegistry::builtin();
  auto split = places.resolve("Phường Hà Khẩu, TP Hạ Long, Quảng Ninh");  // 06655: partly Việt Hưng, partly Tuần Châu
  CHECK(split.how == "ambiguous");
  CHECK(split.now.empty());
  CHECK(split.candidates == std::vector<std::string>{"Phường Việt Hưng, tỉnh Quảng Ninh", "Phường Tuần Châu, tỉnh Quảng Ninh"});
  auto two = places.resolve("Bắc Sơn, Quảng Ninh");  // a commune of Móng Cái and a ward of Uông Bí
  CHECK(two.how == "ambiguous");
  CHECK(two.candidates.size() == 2);
  // The district says which.
  CHECK(places.resolve("Bắc Sơn, TP Uông Bí, Quảng Ninh").now == "Phường Vàng Danh, tỉnh Quảng Ninh");
  CHECK(places.resolve("xã Bắc Sơn, TP Móng Cái").now == "Xã Hải Sơn, tỉnh Quảng Ninh");
}

TEST_CASE("an old province resolves to the province it joined on 1 July 2025") {
  const PlaceRegistry& places = PlaceRegistry::builtin();
  auto hg = places.resolve("Hà Giang");
  CHECK(hg.how == "province");
  CHECK(hg.now == "tỉnh Tuyên Quang");
  CHECK(hg.province_code == "08");
  CHECK(places.resolve("xã Tân Định, huyện Bến Cát, tỉnh Bình Dương").now == "Thành phố Hồ Chí Minh");
  CHECK(places.resolve("Tỉnh Hoà Bình").now == "tỉnh Phú Thọ");
  CHECK(places.resolve("Nam Định").province_code == "37");
  CHECK(places.resolve("Long Sơn, Bà Rịa - Vũng Tàu").now == "Thành phố Hồ Chí Minh");  // " - " inside a name
  CHECK_FALSE(places.resolve("Hà Nội").changed);  // "Thành phố Hà Nội": the same province
  auto qn = places.resolve("tỉnh Quảng Ninh");
  CHECK(qn.now == "tỉnh Quảng Ninh");
  CHECK_FALSE(qn.changed);
  // A district of the lists names its province.
  CHECK(places.resolve("huyện Tiên Yên").now == "tỉnh Quảng Ninh");
  CHECK(places.resolve("Không rõ").how.empty());
  CHECK(places.resolve("").how.empty());
}

TEST_CASE("another province's commune lists drop in as files of the same shape, and a bad one is named") {
  TempDir tmp;
  // A test fixture, not real data: two communes of a district of Hà Giang (02) merge into one.
  std::ofstream(tmp.path / "communes.csv") << "province_code,district_code,district_type,district_name,commune_code,commune_type,commune_name\n"
                                              "02,026,Huyện,Thử Nghiệm,90001,Xã,Thử Một\n"
                                              "02,026,Huyện,Thử Nghiệm,90002,Xã,Thử Hai\n";
  std::ofstream(tmp.path / "merges.csv") << "new_code,new_name,old_code,old_name,share\n"
                                            "90001,Xã Thử Mới,90001,Xã Thử Một,full\n"
                                            "90001,Xã Thử Mới,90002,Xã Thử Hai,full\n";
  const PlaceRegistry places = PlaceRegistry::with({{tmp.path / "communes.csv", tmp.path / "merges.csv"}});
  auto a = places.resolve("xã Thử Hai, huyện Thử Nghiệm, tỉnh Hà Giang");
  CHECK(a.how == "commune");
  CHECK(a.now == "Xã Thử Mới, tỉnh Tuyên Quang");  // Hà Giang joined Tuyên Quang
  CHECK(places.resolve("Phường Hà Phong, TP Hạ Long, tỉnh Quảng Ninh").now == "Phường Hà Tu, tỉnh Quảng Ninh");  // the built-in still
  CHECK(PlaceRegistry::builtin().resolve("xã Thử Hai, huyện Thử Nghiệm, tỉnh Hà Giang").how != "commune");

  std::ofstream(tmp.path / "bad.csv") << "province_code,district_code,district_type,district_name,commune_code,commune_type,commune_name\n"
                                         "99,026,Huyện,Thử Nghiệm,90001,Xã,Thử Một\n";
  try {
    (void)PlaceRegistry::with({{tmp.path / "bad.csv", tmp.path / "merges.csv"}});
    FAIL("a province code of no province was taken");
  } catch (const hopnhat::org::OrgError& e) {
    CHECK_THAT(e.what(), Catch::Contains("bad.csv: row 2: \"99\" is not a province code of 2024"));
  }
  std::ofstream(tmp.path / "typo.csv") << "new_code,new_name,old_code,old_nam,share\n";
  try {
    (void)PlaceRegistry::with({{tmp.path / "communes.csv", tmp.path / "typo.csv"}});
    FAIL("a merges file with a wrong column was taken");
  } catch (const hopnhat::org::OrgError& e) {
    CHECK_THAT(e.what(), Catch::Contains("typo.csv"));
    CHECK_THAT(e.what(), Catch::Contains("old_nam"));
  }
}
