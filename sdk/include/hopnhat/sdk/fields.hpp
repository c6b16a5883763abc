// hopnhat SDK — the canonical staff model, version 1.
//
// Every importer maps its columns onto these field names (snake_case), and every exporter is
// handed person records keyed by them. A value always travels as UTF-8 text in NFC; the host
// normalises it by the field's type (dates to ISO with their precision, citizen IDs to 12
// digits, …) before matching. Fields not listed here travel as raw attributes of a record.
//
// The registry is constant data: safe to read from any thread.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

enum class FieldType {
  kText,        // free text, NFC
  kName,        // a person's name or a part of it
  kGender,      // "Nam" or "Nữ" after normalisation
  kDate,        // ISO 8601 with its precision: "1965", "1965-09" or "1965-09-12"
  kCitizenId,   // CCCD / số định danh cá nhân: 12 digits
  kIdNumber,    // other identifiers: digits or codes kept as text (never as numbers)
  kDecimal,     // e.g. a salary coefficient "2.34"
  kInteger,     // e.g. a salary step
  kPhone,
  kEmail,
};

struct FieldInfo {
  std::string_view name;      // canonical key, snake_case
  FieldType type;
  std::string_view label_vi;  // the heading a Vietnamese form uses
  std::string_view label_en;
  bool critical;              // a disagreement between trusted sources opens a conflict
};

inline constexpr std::array<FieldInfo, 26> kCanonicalFields{{
    {"full_name", FieldType::kName, "Họ và tên", "Full name", true},
    {"family_name", FieldType::kName, "Họ", "Family name", false},
    {"middle_name", FieldType::kName, "Tên đệm", "Middle name", false},
    {"given_name", FieldType::kName, "Tên", "Given name", false},
    {"gender", FieldType::kGender, "Giới tính", "Gender", true},
    {"birth_date", FieldType::kDate, "Ngày sinh", "Date of birth", true},
    {"birth_place", FieldType::kText, "Nơi sinh", "Place of birth", false},
    {"hometown", FieldType::kText, "Quê quán", "Home town", false},
    {"ethnicity", FieldType::kText, "Dân tộc", "Ethnicity", false},
    {"religion", FieldType::kText, "Tôn giáo", "Religion", false},
    {"citizen_id", FieldType::kCitizenId, "Số CCCD", "Citizen ID (CCCD)", true},
    {"old_id_number", FieldType::kIdNumber, "Số CMND", "Old ID card (CMND)", false},
    {"social_insurance_no", FieldType::kIdNumber, "Số sổ BHXH", "Social insurance number", false},
    {"party_card_no", FieldType::kIdNumber, "Số thẻ đảng viên", "Party card number", false},
    {"party_join_date", FieldType::kDate, "Ngày vào Đảng", "Date admitted to the Party", false},
    {"party_official_date", FieldType::kDate, "Ngày chính thức", "Date made official member", false},
    {"party_unit", FieldType::kText, "Chi bộ", "Party cell", false},
    {"civil_servant_code", FieldType::kIdNumber, "Mã cán bộ", "Civil-servant code", false},
    {"grade_code", FieldType::kIdNumber, "Mã ngạch", "Grade code", false},
    {"salary_step", FieldType::kInteger, "Bậc lương", "Salary step", false},
    {"salary_coefficient", FieldType::kDecimal, "Hệ số lương", "Salary coefficient", false},
    {"org_unit", FieldType::kText, "Đơn vị", "Unit", false},
    {"position", FieldType::kText, "Chức vụ", "Position", false},
    {"phone", FieldType::kPhone, "Số điện thoại", "Phone", false},
    {"email", FieldType::kEmail, "Email", "Email", false},
    {"address", FieldType::kText, "Địa chỉ", "Address", false},
}};

/// The field registered under `name`, or nullptr when `name` is not canonical.
constexpr const FieldInfo* find_field(std::string_view name) {
  for (const FieldInfo& f : kCanonicalFields)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
