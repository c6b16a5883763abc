#include "plugin/elf_stamp.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace hopnhat::plugin {

namespace {

// A plugin library is a few megabytes; a file far larger is not one we will read whole.
constexpr std::uintmax_t kMaxLibraryBytes = 512ull << 20;

class Bytes {
 public:
  explicit Bytes(std::vector<char> data) : data_(std::move(data)) {}
  // A copy of the T at `offset`, or an error when it does not fit in the file.
  template <class T>
  T at(std::uint64_t offset, const char* what) const {
    if (offset > data_.size() || data_.size() - offset < sizeof(T))
      throw std::runtime_error(std::string("damaged ELF file: the ") + what + " lies outside the file");
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;
  }
  // The NUL-terminated name at `offset` within a string table of `size` bytes at `table`.
  std::string name(std::uint64_t table, std::uint64_t size, std::uint32_t offset) const {
    if (table > data_.size() || size > data_.size() - table || offset >= size) return {};
    const char* begin = data_.data() + table + offset;
    const void* end = std::memchr(begin, '\0', size - offset);
    return end ? std::string(begin, static_cast<const char*>(end)) : std::string();
  }

 private:
  std::vector<char> data_;
};

}  // namespace

ElfExports read_elf_exports(const std::filesystem::path& library, const std::string& stamp_symbol) {
  std::error_code ec;
  auto size = std::filesystem::file_size(library, ec);
  if (ec) throw std::runtime_error("cannot read the file (" + ec.message() + ")");
  if (size > kMaxLibraryBytes) throw std::runtime_error("the file is larger than any plugin library (" + std::to_string(size >> 20) + " MiB)");
  std::ifstream in(library, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open the file");
  Bytes file(std::vector<char>(std::istreambuf_iterator<char>(in), {}));

  auto header = file.at<Elf64_Ehdr>(0, "ELF header");
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) throw std::runtime_error("not an ELF file");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    throw std::runtime_error("not a 64-bit little-endian ELF file (built for another machine?)");
  if (header.e_type != ET_DYN) throw std::runtime_error("an ELF file but not a shared library");
  if (header.e_shentsize != sizeof(Elf64_Shdr)) throw std::runtime_error("damaged ELF file: unexpected section header size");

  std::vector<Elf64_Shdr> sections;
  for (unsigned i = 0; i < header.e_shnum; ++i)
    sections.push_back(file.at<Elf64_Shdr>(header.e_shoff + std::uint64_t{i} * sizeof(Elf64_Shdr), "section table"));

  ElfExports out;
  for (const Elf64_Shdr& table : sections) {
    if (table.sh_type != SHT_DYNSYM) continue;
    if (table.sh_link >= sections.size() || table.sh_entsize != sizeof(Elf64_Sym))
      throw std::runtime_error("damaged ELF file: the dynamic symbol table is malformed");
    const Elf64_Shdr& names = sections[table.sh_link];
    for (std::uint64_t k = 1; k < table.sh_size / sizeof(Elf64_Sym); ++k) {
      auto sym = file.at<Elf64_Sym>(table.sh_offset + k * sizeof(Elf64_Sym), "dynamic symbol table");
      if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= sections.size()) continue;  // imported, or absolute
      std::string name = file.name(names.sh_offset, names.sh_size, sym.st_name);
      if (name.empty()) continue;
      if (name == stamp_symbol) {
        const Elf64_Shdr& holder = sections[sym.st_shndx];
        if (holder.sh_type == SHT_NOBITS || holder.sh_size < sizeof(std::int32_t) || sym.st_size != sizeof(std::int32_t) || sym.st_value < holder.sh_addr ||
            sym.st_value - holder.sh_addr > holder.sh_size - sizeof(std::int32_t))
          throw std::runtime_error("the " + stamp_symbol + " symbol is not a 4-byte constant stored in the file");
        out.abi_stamp = file.at<std::int32_t>(holder.sh_offset + (sym.st_value - holder.sh_addr), "ABI stamp");
      }
      out.symbols.insert(std::move(name));
    }
  }
  return out;
}

}  // namespace hopnhat::plugin
