#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "readers.hpp"

namespace hopnhat_sheet {

namespace {

std::string read_xls_here(const std::string& path, const SheetChoice& choice, const ReadLimits& limits, const RowSink& sink) {
  const void* h = nullptr;
  int rc = freexl_open(path.c_str(), &h);
  if (rc != FREEXL_OK) {
    if (h) freexl_close(h);
    throw SheetError(path + ": not a readable XLS (BIFF) workbook (freexl error " + std::to_string(rc) +
                     "); an XLSX or a web page saved as .xls is not one");
  }
  struct Closer {
    const void* h;
    ~Closer() { freexl_close(h); }
  } closer{h};
  unsigned int count = 0;
  freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count);
  unsigned short pick = 0;
  std::string name;
  bool found = choice.name.empty() && (choice.number <= 1 || static_cast<unsigned>(choice.number) <= count);
  if (choice.number > 1) pick = static_cast<unsigned short>(choice.number - 1);
  for (unsigned short i = 0; i < count; ++i) {
    const char* n = nullptr;
    freexl_get_worksheet_name(h, i, &n);
    if (!choice.name.empty() && n && choice.name == n) { pick = i; found = true; }
  }
  if (!found) throw SheetError(path + ": no such sheet" + (choice.name.empty() ? "" : " named \"" + choice.name + "\""));
  const char* n = nullptr;
  freexl_get_worksheet_name(h, pick, &n);
  name = n ? n : "";
  if (freexl_select_active_worksheet(h, pick) != FREEXL_OK) throw SheetError(path + ": cannot select sheet \"" + name + "\"");
  unsigned int rows = 0;
  unsigned short cols = 0;
  freexl_worksheet_dimensions(h, &rows, &cols);
  if (rows > limits.max_rows)
    throw SheetError(path + ": sheet \"" + name + "\" has more than " + std::to_string(limits.max_rows) + " rows (option max_rows)");
  for (unsigned int r = 0; r < rows; ++r) {
    std::vector<std::string> cells(cols);
    for (unsigned short c = 0; c < cols; ++c) {
      FreeXL_CellValue v;
      if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK) continue;
      switch (v.type) {
        case FREEXL_CELL_INT: cells[c] = std::to_string(v.value.int_value); break;
        case FREEXL_CELL_DOUBLE: cells[c] = number_text(v.value.double_value); break;
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT: cells[c] = v.value.text_value ? v.value.text_value : ""; break;
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME: {
          std::string d = v.value.text_value ? v.value.text_value : "";  // YYYY-MM-DD[ hh:mm:ss]
          if (d.size() >= 10) cells[c] = d.substr(8, 2) + "/" + d.substr(5, 2) + "/" + d.substr(0, 4);
          break;
        }
        default: break;
      }
    }
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    if (!sink(r + 1, std::move(cells))) break;
  }
  return name;
}

// The pipe protocol between the child that runs freexl and the reading process.
bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_text(int fd, const std::string& s) {
  std::uint32_t n = static_cast<std::uint32_t>(s.size());
  return write_all(fd, &n, sizeof n) && write_all(fd, s.data(), s.size());
}

bool read_text(int fd, std::string& s, std::uint32_t limit) {
  std::uint32_t n = 0;
  if (!read_all(fd, &n, sizeof n) || n > limit) return false;
  s.resize(n);
  return read_all(fd, s.data(), n);
}

constexpr std::uint64_t kEnd = 0, kError = ~0ull;

}  // namespace

// freexl is a C parser of a binary format, and hostile files crash it (a fuzzer finds such
// files in seconds). So it runs in a child process: a crash there is a damaged file here.
std::string read_xls(const std::string& path, const SheetChoice& choice, const ReadLimits& limits, const RowSink& sink) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw SheetError(path + ": cannot start the XLS reader (" + std::strerror(errno) + ")");
  pid_t pid = ::fork();
  if (pid < 0) throw SheetError(path + ": cannot start the XLS reader (" + std::strerror(errno) + ")");
  if (pid == 0) {
    ::close(fds[0]);
    int out = fds[1];
    try {
      std::string name = read_xls_here(path, choice, limits, [&](std::size_t row, std::vector<std::string>&& cells) {
        std::uint64_t r = row;
        std::uint32_t n = static_cast<std::uint32_t>(cells.size());
        if (!write_all(out, &r, sizeof r) || !write_all(out, &n, sizeof n)) ::_exit(3);
        for (const auto& c : cells)
          if (!write_text(out, c)) ::_exit(3);
        return true;
      });
      write_all(out, &kEnd, sizeof kEnd);
      write_text(out, name);
    } catch (const std::exception& e) {
      write_all(out, &kError, sizeof kError);
      write_text(out, e.what());
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  int in = fds[0];
  std::string name, error;
  bool complete = false, stopped = false;
  while (!stopped) {
    std::uint64_t row = 0;
    if (!read_all(in, &row, sizeof row)) break;
    if (row == kEnd) { complete = read_text(in, name, 1 << 16); break; }
    if (row == kError) { read_text(in, error, 1 << 16); break; }
    std::uint32_t n = 0;
    if (!read_all(in, &n, sizeof n) || n > 65536) break;
    std::vector<std::string> cells(n);
    bool ok = true;
    for (auto& c : cells) ok = ok && read_text(in, c, 1 << 24);
    if (!ok) break;
    if (!sink(static_cast<std::size_t>(row), std::move(cells))) stopped = true;
  }
  ::close(in);
  if (stopped) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!error.empty()) throw SheetError(error);
  if (stopped) return name;
  if (!complete) {
    if (WIFSIGNALED(status))
      throw SheetError(path + ": the XLS file is damaged: its reader stopped with signal " + std::to_string(WTERMSIG(status)));
    throw SheetError(path + ": the XLS file is damaged: its reader stopped (exit code " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  return name;
}

}  // namespace hopnhat_sheet
