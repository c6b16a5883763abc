// What a citizen ID (CCCD) says about its holder, and how two of them relate. A CCCD is 12
// digits: 1-3 the province where the birth was registered, 4 century and gender (0/1: 1900s
// male/female, 2/3: 2000s, …), 5-6 the last two digits of the birth year, 7-12 a serial. So a
// CCCD can be checked against its own record (the year and gender it embeds against the
// record's birth date and gender), and two CCCDs that differ only by one keystroke outside
// digits 4-6 may be one number mistyped, while two that disagree on what they embed cannot be.
// Pure functions over normalised values (12-digit CCCDs, ISO dates, "Nam"/"Nữ"); thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::text {

enum class CitizenIdRelation {
  kEqual,
  /// One digit substituted or two adjacent digits swapped, digits 4-6 (century, gender, year)
  /// untouched: possibly the same number mistyped.
  kOneKeystroke,
  /// Two or more digits apart, or the embedded century, gender or year differ: never one person
  /// automatically.
  kContradicting,
};

/// How two valid CCCDs (12 digits each) relate. `a_suspect` / `b_suspect`: the CCCD contradicts
/// its own record (check_citizen_id). A keystroke in digits 4-6 makes a CCCD contradict the record
/// it was typed into, so when one of the two is suspect, one keystroke apart anywhere is
/// kOneKeystroke: the suspect one is the likelier typing error, not a second person.
CitizenIdRelation relate_citizen_ids(std::string_view a, std::string_view b, bool a_suspect = false, bool b_suspect = false);

/// A CCCD against the birth date and gender of its own record.
struct CitizenIdCheck {
  bool suspect = false;  // the embedded year or gender contradicts the record
  std::string reason;    // e.g. "its digits say born 1985, the record says 1986"; empty when consistent
  bool year_checked = false, gender_checked = false;  // what the record allowed to check
};

/// `cccd`: a valid, normalised CCCD; `birth_date`: ISO ("1986", "1986-09", "1986-09-07") or
/// empty; `gender`: "Nam", "Nữ" or empty.
CitizenIdCheck check_citizen_id(std::string_view cccd, std::string_view birth_date, std::string_view gender);

/// The birth year a valid CCCD embeds (century from digit 4), or 0.
int citizen_id_birth_year(std::string_view cccd);
/// "Nam" / "Nữ" from digit 4 of a valid CCCD, or "".
std::string citizen_id_gender(std::string_view cccd);

}  // namespace hopnhat::text
