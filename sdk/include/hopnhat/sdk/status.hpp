// hopnhat SDK — Status: the result of an operation that crosses the plugin boundary.
//
// Exceptions never cross between a plugin and the host (each side may have its own copy of the
// C++ runtime's type information), so every boundary call returns a Status instead. A failed
// Status carries one sentence a person can act on; it names the file, row, column or option that
// is wrong and what was expected there.
//
// Thread-safety: a Status is a value; distinct objects may be used from different threads.
#pragma once

#include <string>
#include <utility>

#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

class Status {
 public:
  enum class Code { kOk = 0, kInvalidOptions, kInvalidInput, kIoError, kUnavailable, kCancelled, kInternal };

  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid_options(std::string message) { return Status(Code::kInvalidOptions, std::move(message)); }
  static Status invalid_input(std::string message) { return Status(Code::kInvalidInput, std::move(message)); }
  static Status io_error(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status unavailable(std::string message) { return Status(Code::kUnavailable, std::move(message)); }
  static Status cancelled(std::string message) { return Status(Code::kCancelled, std::move(message)); }
  static Status internal(std::string message) { return Status(Code::kInternal, std::move(message)); }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
