#include "bench/memory.h"

#include <cstdio>
#include <cstring>

namespace aioconform::bench {
namespace {

// One "Name:   1234 kB" line of /proc/self/status, in bytes; 0 if absent.
std::size_t status_field(const char* name) noexcept {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  std::size_t kb = 0;
  std::size_t len = std::strlen(name);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, name, len) == 0 && line[len] == ':') {
      std::sscanf(line + len + 1, "%zu", &kb);
      break;
    }
  }
  std::fclose(f);
  return kb * 1024;
}

}  // namespace

bool memory_probe::reset_peak() noexcept {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

std::size_t memory_probe::current() noexcept {
  return status_field("VmRSS");
}

std::size_t memory_probe::peak() noexcept {
  return status_field("VmHWM");
}

}  // namespace aioconform::bench
