// One libFuzzer entry point, built once per format (FUZZ_FORMAT): the bytes become a file of
// that kind and go through the reader the plugin uses. Any error must be a SheetError or a
// failed Status; a crash, a leak, a hang or undefined behaviour is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "csv_format.hpp"
#include "hopnhat/sdk/text.hpp"
#include "readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string format = FUZZ_FORMAT;
  if (format == "csv") {
    std::string text;
    if (!hopnhat::sdk::decode(std::string_view(reinterpret_cast<const char*>(data), size), hopnhat::sdk::Encoding::kAuto, text))
      return 0;
    std::vector<hopnhat_csv::Row> rows;
    (void)hopnhat_csv::parse_csv(text, hopnhat_csv::detect_delimiter(text), rows);
    return 0;
  }
  static const std::string path = "/tmp/hopnhat-fuzz-" + std::to_string(::getpid()) + "." + format;
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  hopnhat_sheet::ReadLimits limits;
  limits.max_rows = 5000;
  limits.max_uncompressed = 16u << 20;
  auto sink = [](std::size_t, std::vector<std::string>&&) { return true; };
  try {
    if (format == "xlsx") hopnhat_sheet::read_xlsx(path, {}, limits, sink);
    else if (format == "ods") hopnhat_sheet::read_ods(path, {}, limits, sink);
    else hopnhat_sheet::read_xls(path, {}, limits, sink);
  } catch (const hopnhat_sheet::SheetError&) {
  }
  return 0;
}
