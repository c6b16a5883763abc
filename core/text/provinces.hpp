// Which province a home town or birth place names, and which a CCCD was registered in, as one of
// the 34 provinces of today (from 1 July 2025, Nghị quyết 202/2025/QH15): so that "Hải Dương",
// written before the reform, and the CCCD code 030 meet in "Thành phố Hải Phòng", and a place
// written after it ("Thành phố Hải Phòng") meets them too. From the lists compiled in
// (core/data: the 63 provinces with their CCCD codes, the 34, the 2025 merges). Pure functions
// over immutable tables; thread-safe.
#pragma once

#include <string_view>

namespace hopnhat::text {

/// The 2-digit code (as a number, 1–96) of the province of today that a place text names — by an
/// old name or a new one, as whole words, diacritics and punctuation aside ("Bà Rịa-Vũng Tàu") —
/// the last one named when several are (an address ends with its province: "Xã Hòa Bình, huyện
/// Kim Bôi, tỉnh Hòa Bình"); 0 when it names none.
int province_now_named_in(std::string_view place);

/// The same for a 12-digit CCCD: the province of today holding the province its first three
/// digits name (where the birth was registered); 0 for another value or an unknown code.
int province_now_of_citizen_id(std::string_view id);

}  // namespace hopnhat::text
