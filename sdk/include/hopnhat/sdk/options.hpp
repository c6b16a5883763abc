// hopnhat SDK — OptionReader: reads a plugin's options with messages a person can act on.
//
// The host has already validated the options against the manifest's JSON Schema, but a plugin
// must not trust that (it may be run by the testkit or another host), so it reads them through
// this class: every getter records the first problem ("option 'delimiter': expected one
// character, got \";;\"") and `status()` also reports keys that were never read, with the
// closest known key as a suggestion.
//
// Thread-safety: one reader per thread; it owns a copy of the parsed options.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/status.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

class OptionReader {
 public:
  /// `plugin` names the plugin in messages; `options_json` must be a JSON object.
  OptionReader(std::string plugin, const std::string& options_json);
  /// A reader of one object nested in the options (an element of object_list): its messages
  /// name the key under `prefix` ("option 'history[0].kind'").
  OptionReader(std::string plugin, const std::string& options_json, std::string prefix);
  ~OptionReader();
  OptionReader(const OptionReader&) = delete;
  OptionReader& operator=(const OptionReader&) = delete;

  std::optional<std::string> string(const std::string& key);
  std::string required_string(const std::string& key);
  std::optional<bool> boolean(const std::string& key);
  std::optional<std::int64_t> integer(const std::string& key);
  std::optional<double> number(const std::string& key);
  /// An object whose values are all strings, such as `fields`.
  std::map<std::string, std::string> string_map(const std::string& key);
  std::vector<std::string> string_list(const std::string& key);
  /// A list of objects, each as JSON text for a nested reader (prefix `key[i].`).
  std::vector<std::string> object_list(const std::string& key);
  /// Records a problem found by the plugin's own checks of a value it read.
  void fail(const std::string& key, const std::string& expected);

  /// The first problem, or an unknown key; ok when the options are usable.
  Status status() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
