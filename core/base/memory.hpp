// The process's memory: how much it holds (for the run report and debug logs, from Linux /proc), and
// handing the allocator's free pages back between stages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include <sys/types.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

// jemalloc's control interface when the process has jemalloc (the executable links it; the
// libraries and tests do not): a weak reference, null otherwise.
extern "C" int mallctl(const char* name, void* old_value, std::size_t* old_length, void* new_value,
                       std::size_t new_length) __attribute__((weak));

namespace hopnhat::base {

/// VmRSS ("VmRSS") or its peak so far ("VmHWM") in MiB; 0 where /proc is not available.
inline std::int64_t resident_mib(const char* which = "VmRSS") {
  std::ifstream in("/proc/self/status");
  std::string key;
  std::int64_t kib = 0;
  while (in >> key) {
    if (key == std::string(which) + ":") {
      in >> kib;
      return kib / 1024;
    }
    std::getline(in, key);
  }
  return 0;
}

/// Gives the allocator's free pages back to the system now. The hopnhat executable links
/// jemalloc, which otherwise returns pages freed by a stage over the following seconds, while
/// the next stage already allocates on top of them; a program on glibc's allocator keeps memory
/// a thread freed in that thread's arena. Called between stages (it walks the heap: a few
/// milliseconds), never within one.
inline void release_free_memory() {
  if (mallctl) {
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: MALLCTL_ARENAS_ALL
    return;
  }
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

/// While it lives, the allocator keeps the pages the process frees instead of handing them back
/// to the kernel as they age, and hands them all back when it ends. For a stage that allocates
/// and frees the same few hundred megabytes over and over (importing: a batch of records at a
/// time): jemalloc returns a freed page seconds later (five, as cli/main.cpp sets it), each
/// return is an madvise whose TLB flush interrupts every core (costly on a virtual machine),
/// and the next batch faults the same pages in again. A no-op without jemalloc. Not thread-safe: one at a time, made and
/// destroyed on one thread; it changes every arena, whichever thread uses it.
class KeepFreedPages {
 public:
  KeepFreedPages() {
    if (!mallctl) return;
    std::size_t len = sizeof(previous_);
    if (mallctl("arenas.dirty_decay_ms", &previous_, &len, nullptr, 0) != 0) return;
    active_ = true;
    set_all(-1);
  }
  ~KeepFreedPages() {
    if (!active_) return;
    set_all(previous_);
    release_free_memory();
  }
  KeepFreedPages(const KeepFreedPages&) = delete;
  KeepFreedPages& operator=(const KeepFreedPages&) = delete;

 private:
  // The default of arenas made later, and each arena made so far (those not in use answer
  // EFAULT, and are made with the default).
  static void set_all(ssize_t ms) {
    mallctl("arenas.dirty_decay_ms", nullptr, nullptr, &ms, sizeof(ms));
    unsigned arenas = 0;
    std::size_t len = sizeof(arenas);
    if (mallctl("arenas.narenas", &arenas, &len, nullptr, 0) != 0) return;
    for (unsigned i = 0; i < arenas; ++i) {
      const std::string name = "arena." + std::to_string(i) + ".dirty_decay_ms";
      mallctl(name.c_str(), nullptr, nullptr, &ms, sizeof(ms));
    }
  }
  bool active_ = false;
  ssize_t previous_ = 0;
};

/// Asks the kernel to back [p, p + bytes) with huge pages when it first touches them (Linux
/// transparent huge pages in "madvise" mode, Debian's default; a no-op elsewhere). For the few
/// arrays of hundreds of megabytes a run fills once (two million records): each 4 KiB page's
/// first touch is a fault, and half a million of them cost seconds on a virtual machine. Only
/// the whole huge pages inside the range are marked; the rest is left as it is.
inline void prefer_huge_pages(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // advice: failure changes nothing
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace hopnhat::base
