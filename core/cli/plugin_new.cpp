// `hopnhat plugin new NAME --kind importer|exporter|both [--dir D]`: a plugin project an author
// builds and tests at once, made from the installed template (sdk/template: a JSON staff-list
// importer and a JSON exporter with unit tests, the conformance test and an expected-records
// file). The template marks what belongs to one kind (`template:importer-begin` … `-end`, a
// `template:importer-line` at the end of a line; `both` for what needs the two); the parts of
// the kind not asked for are left out, "example" becomes the plugin's name. The project is
// written beside the target folder and renamed into place: a failure leaves nothing behind.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <nlohmann/json.hpp>

#include "base/exit_codes.hpp"
#include "cli/commands.hpp"
#include "hopnhat/sdk/version.hpp"

namespace hopnhat::cli {

namespace fs = std::filesystem;

namespace {

struct PluginNames {
  std::string name;   // as the manifest says it: partydb-site
  std::string ident;  // in C++ and CMake: partydb_site
  std::string camel;  // class names: PartydbSite
};

// The folder holding the template: installed beside hopnhat, else the source tree it was built from.
std::optional<fs::path> find_template(const fs::path& given) {
  std::vector<fs::path> tries;
  if (!given.empty()) tries.push_back(given);
  else {
    tries.push_back(fs::path(boost::dll::program_location().parent_path().string()) / ".." / "share" / "hopnhat" / "template");
#ifdef HOPNHAT_SOURCE_TEMPLATE_DIR
    tries.emplace_back(HOPNHAT_SOURCE_TEMPLATE_DIR);
#endif
  }
  for (const auto& t : tries) {
    std::error_code ec;
    if (fs::is_regular_file(t / "example.plugin.json", ec) && fs::is_regular_file(t / "CMakeLists.txt", ec)) return fs::weakly_canonical(t);
  }
  return std::nullopt;
}

// Keeps the lines of `text` that belong to `kind`; marker lines go.
std::string keep_kind(const std::string& text, const std::string& kind) {
  auto dropped = [&](const std::string& part) {
    if (part == "both") return kind != "both";
    return kind != "both" && kind != part;
  };
  static const std::regex kBlock(R"(template:(importer|exporter|both)-(begin|end)\s*$)");
  static const std::regex kLine(R"(\s*//\s*template:(importer|exporter|both)-line\s*$)");
  std::istringstream in(text);
  std::ostringstream out;
  std::string line;
  std::vector<std::string> open;  // blocks we are in
  bool last_blank = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kBlock)) {
      if (m[2] == "begin") open.push_back(m[1]);
      else if (!open.empty()) open.pop_back();
      continue;
    }
    if (std::any_of(open.begin(), open.end(), dropped)) continue;
    if (std::regex_search(line, m, kLine)) {
      if (dropped(m[1])) continue;
      line = line.substr(0, static_cast<std::size_t>(m.position(0)));
    }
    const bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank && last_blank) continue;  // a part left out leaves one blank line, not two
    last_blank = blank;
    out << line << "\n";
  }
  return out.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string renamed(std::string s, const PluginNames& n) {
  s = replace_all(std::move(s), "OptionReader opt(\"example\"", "OptionReader opt(\"" + n.name + "\"");
  s = replace_all(std::move(s), "Example", n.camel);
  s = replace_all(std::move(s), "hopnhat_example", "hopnhat_" + n.ident);
  s = replace_all(std::move(s), "example_tests", n.ident + "_tests");
  s = replace_all(std::move(s), "example.plugin.json", n.ident + ".plugin.json");
  s = replace_all(std::move(s), "example_plugin.cpp", n.ident + "_plugin.cpp");
  s = replace_all(std::move(s), "namespace example", "namespace " + n.ident);
  s = replace_all(std::move(s), "example::", n.ident + "::");
  return s;
}

std::string manifest_text(const std::string& template_text, const PluginNames& n, const std::string& kind) {
  nlohmann::ordered_json m = nlohmann::ordered_json::parse(template_text);  // in the order an author wrote it
  m["name"] = n.name;
  m["version"] = "0.1.0";
  if (kind == "importer") {
    m["kinds"] = {"importer"};
    m.erase("exporter_options");
    m["description"] = n.name + ": staff lists as a JSON array (from hopnhat's template; describe your source here)";
  } else if (kind == "exporter") {
    m["kinds"] = {"exporter"};
    m.erase("importer_options");
    m["description"] = n.name + ": golden records as a JSON array (from hopnhat's template; describe your target here)";
  } else {
    m["description"] = n.name + ": staff lists in, golden records out, as JSON arrays (from hopnhat's template)";
  }
  return m.dump(2) + "\n";
}

std::string cmake_text(const std::string& template_text, const PluginNames& n, const std::string& kind) {
  std::string body = keep_kind(template_text, kind);
  // The template's opening comment is about the template; the project's says what it is.
  std::size_t start = body.find("cmake_minimum_required");
  std::ostringstream head;
  head << "# The hopnhat plugin \"" << n.name << "\" (" << (kind == "both" ? "importer and exporter" : kind)
       << "), made by `hopnhat plugin new` from hopnhat's template. Build it against an installed hopnhat:\n"
       << "#   cmake -S . -B build -DCMAKE_PREFIX_PATH=/path/to/hopnhat/prefix && cmake --build build\n"
       << "#   cd build && ctest            # your unit tests and the hopnhat conformance testkit\n"
       << "#   hopnhat plugins list --plugin-dir build\n";
  return head.str() + renamed(body.substr(start == std::string::npos ? 0 : start), n);
}

std::string readme_text(const PluginNames& n, const std::string& kind, const std::string& prefix) {
  std::ostringstream r;
  r << "# " << n.name << "\n\nA hopnhat " << (kind == "both" ? "importer and exporter" : kind)
    << " plugin, made by `hopnhat plugin new` from hopnhat's template. It starts as the template's\n"
    << (kind == "exporter" ? "exporter (golden records written as a JSON array)"
        : kind == "importer" ? "importer (a JSON array of staff objects)"
                             : "importer (a JSON array of staff objects) and exporter (golden records as a JSON array)")
    << "; make it yours:\n\n"
    << "- `src/" << n.ident << "_plugin.cpp`: the plugin class" << (kind == "both" ? "es" : "") << " and the SDK's export macros;\n"
    << "- `src/staff_json.cpp`: the format itself, unit-tested in `tests/staff_json_test.cpp`;\n"
    << "- `" << n.ident << ".plugin.json`: the manifest (description, formats, the JSON Schema of the options);\n";
  if (kind != "exporter")
    r << "- `tests/data/staff.json` and `tests/data/expected_records.json`: a sample input and exactly\n"
      << "  the records the importer must read from it (the conformance test compares them).\n";
  r << "\nBuild and test:\n\n"
    << "    cmake -S . -B build -DCMAKE_PREFIX_PATH=" << prefix << "\n"
    << "    cmake --build build\n"
    << "    (cd build && ctest --output-on-failure)   # unit tests + the conformance testkit\n"
    << "    hopnhat plugins check --plugin-dir build\n\n"
    << "The contract a plugin keeps (no exception across the boundary, nothing on stdout, records\n"
    << "emitted as they are read, options checked against the manifest) is hopnhat's\n"
    << "docs/plugin-guide.md, installed under share/doc/hopnhat.\n";
  return r.str();
}

// What CMAKE_PREFIX_PATH the author gives: the prefix the template was installed under.
std::string prefix_hint(const fs::path& tmpl) {
  if (tmpl.filename() == "template" && tmpl.parent_path().filename() == "hopnhat" && tmpl.parent_path().parent_path().filename() == "share")
    return tmpl.parent_path().parent_path().parent_path().string();
  return "<the prefix hopnhat is installed in: make install PREFIX=...>";
}

bool cxx_keyword(const std::string& w) {
  static const std::set<std::string> kWords = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char", "class", "concept", "const",
      "consteval", "constexpr", "constinit", "continue", "co_await", "co_return", "co_yield", "decltype", "default",
      "delete", "do", "double", "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr", "operator", "or",
      "private", "protected", "public", "register", "requires", "return", "short", "signed", "sizeof", "static",
      "struct", "switch", "template", "this", "throw", "true", "try", "typedef", "typeid", "typename", "union",
      "unsigned", "using", "virtual", "void", "volatile", "while", "xor", "std", "hopnhat", "sdk"};
  return kWords.count(w) > 0;
}

}  // namespace

int cmd_plugin_new(const std::string& name, const std::string& kind, const fs::path& dir_given, const fs::path& template_given) {
  static const std::regex kName(R"([a-z][a-z0-9_-]{0,39})");
  if (!std::regex_match(name, kName) || name.back() == '-' || name.back() == '_') {
    std::cerr << "hopnhat plugin new: \"" << name.substr(0, 60)
              << "\" is not a plugin name: expected a lower-case letter, then letters, digits, '-' or '_' (at most 40), "
                 "such as partydb-site\n";
    return base::kExitUsage;
  }
  PluginNames n{name, name, ""};
  std::replace(n.ident.begin(), n.ident.end(), '-', '_');
  if (cxx_keyword(n.ident)) {
    std::cerr << "hopnhat plugin new: \"" << name << "\" would name a C++ namespace that cannot be (a keyword or a reserved name); choose another\n";
    return base::kExitUsage;
  }
  bool upper = true;
  for (char c : n.ident) {
    if (c == '_') {
      upper = true;
      continue;
    }
    n.camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  const auto tmpl = find_template(template_given);
  if (!tmpl) {
    std::cerr << "hopnhat plugin new: the plugin template was not found "
              << (template_given.empty() ? "beside hopnhat (share/hopnhat/template of its prefix)" : "in " + template_given.string())
              << "; name its folder with --template\n";
    return base::kExitUsage;
  }
  const fs::path dir = dir_given.empty() ? fs::path(name) : dir_given;
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    std::cerr << "hopnhat plugin new: " << dir.string() << " exists and is not an empty folder; nothing was written\n";
    return base::kExitUsage;
  }
  const fs::path staging = dir.string() + ".new-" + std::to_string(::getpid());
  try {
    fs::remove_all(staging);
    for (const auto& entry : fs::recursive_directory_iterator(*tmpl)) {
      if (!entry.is_regular_file()) continue;
      const fs::path rel = fs::relative(entry.path(), *tmpl);
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      std::string text = buf.str();
      fs::path out_rel = rel;
      const std::string file = rel.filename().string();
      if (kind == "exporter" && (file == "staff.json" || file == "expected_records.json")) continue;  // importer test data
      if (file == "example.plugin.json") {
        out_rel = rel.parent_path() / (n.ident + ".plugin.json");
        text = manifest_text(text, n, kind);
      } else if (file == "CMakeLists.txt" && rel.parent_path().empty()) {
        text = cmake_text(text, n, kind);
      } else if (file == "README.md" && rel.parent_path().empty()) {
        text = readme_text(n, kind, prefix_hint(*tmpl));
      } else if (rel.extension() == ".cpp" || rel.extension() == ".hpp") {
        text = renamed(keep_kind(text, kind), n);
        out_rel = rel.parent_path() / renamed(file, n);
      }
      fs::create_directories((staging / out_rel).parent_path());
      std::ofstream out(staging / out_rel, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out.flush()) throw std::runtime_error((staging / out_rel).string() + ": cannot write the file");
    }
    if (fs::exists(dir)) fs::remove(dir);  // the empty folder given
    fs::rename(staging, dir);
  } catch (const std::exception& e) {
    fs::remove_all(staging, ec);
    std::cerr << "hopnhat plugin new: " << e.what() << "; nothing was written\n";
    return base::kExitFailed;
  }
  std::cout << "made " << dir.string() << ": the " << (kind == "both" ? "importer and exporter" : kind) << " plugin \"" << name
            << "\" (SDK ABI " << sdk::kAbiVersion << ") from " << tmpl->string() << "\n"
            << "next: cmake -S " << dir.string() << " -B " << (dir / "build").string() << " -DCMAKE_PREFIX_PATH="
            << prefix_hint(*tmpl) << " && cmake --build " << (dir / "build").string()
            << " && (cd " << (dir / "build").string() << " && ctest --output-on-failure)\n";
  return base::kExitOk;
}

}  // namespace hopnhat::cli
