// hopnhat SDK — version and ABI stamp.
//
// HOPNHAT_ABI_VERSION is the one number that decides whether a plugin library may be loaded by
// a host: the host reads it from the plugin's manifest before loading and from the exported
// `hopnhat_plugin_abi_version` symbol before calling any C++ code, and refuses any mismatch.
// It changes whenever a type that crosses the plugin boundary (anything in plugin.hpp or
// record.hpp) changes layout or virtual table. The types themselves live in the inline
// namespace `abi_vN`, so a plugin compiled against another ABI also fails to link against the
// testkit instead of failing at run time.
#pragma once

#define HOPNHAT_VERSION_MAJOR 0
#define HOPNHAT_VERSION_MINOR 1
#define HOPNHAT_VERSION_PATCH 0
#define HOPNHAT_VERSION_STRING "0.1.0"

#define HOPNHAT_ABI_VERSION 5

#define HOPNHAT_ABI_NAMESPACE abi_v5

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
/// The ABI version this SDK was compiled with (the value plugins are stamped with).
inline constexpr int kAbiVersion = HOPNHAT_ABI_VERSION;
inline constexpr const char* kVersion = HOPNHAT_VERSION_STRING;
}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
