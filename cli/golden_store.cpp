#include "cli/golden_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "adapters/natural_order.h"
#include "format/format_error.h"
#include "format/scenario_codec.h"

#ifndef AIOCONFORM_SOURCE_DIR
#error "AIOCONFORM_SOURCE_DIR must be defined by the build"
#endif

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view json_suffix = ".json";

// Relative paths of the *.json files below `dir`, without the suffix, sorted.
std::vector<std::string> json_names_below(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return names;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string relative = fs::relative(it->path(), dir, ec).generic_string();
    if (relative.size() <= json_suffix.size() || !relative.ends_with(json_suffix)) continue;
    // Editors' and our own temporary files start with '.'.
    if (it->path().filename().string().front() == '.') continue;
    names.push_back(relative.substr(0, relative.size() - json_suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

[[noreturn]] void throw_errno(const std::string& what, const fs::path& path) {
  throw fs::filesystem_error(what, path, std::error_code(errno, std::system_category()));
}

// Writes `bytes` to a new temporary file next to `target` and returns its path.
fs::path write_temporary(const fs::path& target, std::string_view bytes) {
  std::string pattern =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw_errno("cannot create a temporary file", pattern);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(pattern.c_str());
      errno = error;
      throw_errno("cannot write", pattern);
    }
    written += static_cast<std::size_t>(n);
  }
  // Goldens are ordinary repository files: mkstemp's 0600 would surprise git and readers.
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(pattern.c_str());
    errno = error;
    throw_errno("cannot write", pattern);
  }
  return pattern;
}

}  // namespace

golden_store::golden_store(fs::path root) : root_(std::move(root)) {}

fs::path golden_store::scenario_path(std::string_view scenario) const {
  return root_ / "scenarios" / (std::string(scenario) + std::string(json_suffix));
}

fs::path golden_store::trace_path(std::string_view runtime, std::string_view scenario) const {
  return root_ / "traces" / std::string(runtime) /
         (std::string(scenario) + std::string(json_suffix));
}

std::vector<std::string> golden_store::scenario_names() const {
  return json_names_below(root_ / "scenarios");
}

std::vector<std::string> golden_store::trace_runtimes() const {
  std::vector<std::string> runtimes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "traces", ec)) {
    if (entry.is_directory(ec)) runtimes.push_back(entry.path().filename().string());
  }
  std::sort(runtimes.begin(), runtimes.end(), adapters::natural_less);
  return runtimes;
}

std::vector<std::string> golden_store::trace_names(std::string_view runtime) const {
  return json_names_below(root_ / "traces" / std::string(runtime));
}

format::scenario golden_store::load_scenario(std::string_view scenario) const {
  const fs::path path = scenario_path(scenario);
  format::scenario loaded = format::load_scenario(path);
  if (loaded.name != scenario) {
    throw format::format_error(
        path.string(), "/name",
        fmt::format("is '{}' but the file is scenarios/{}.json; a golden scenario's name must be "
                    "its path below scenarios/ without .json",
                    loaded.name, scenario));
  }
  return loaded;
}

std::optional<std::string> golden_store::read_trace(std::string_view runtime,
                                                    std::string_view scenario) const {
  const fs::path path = trace_path(runtime, scenario);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) {
    throw format::format_error(path.string(), "", "cannot be read");
  }
  return std::move(bytes).str();
}

golden_store::write_outcome golden_store::write_trace(std::string_view runtime,
                                                      std::string_view scenario,
                                                      std::string_view bytes, bool update) const {
  const fs::path target = trace_path(runtime, scenario);
  const auto existing = read_trace(runtime, scenario);
  if (existing && *existing == bytes) return write_outcome::unchanged;
  if (existing && !update) return write_outcome::kept;

  fs::create_directories(target.parent_path());
  const fs::path temporary = write_temporary(target, bytes);
  if (existing) {
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
      const int error = errno;
      ::unlink(temporary.c_str());
      errno = error;
      throw_errno("cannot replace", target);
    }
    return write_outcome::updated;
  }
  // link() fails when the target appeared meanwhile: a concurrent writer's golden is kept.
  if (::link(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    if (error == EEXIST) return write_trace(runtime, scenario, bytes, update);
    errno = error;
    throw_errno("cannot create", target);
  }
  ::unlink(temporary.c_str());
  return write_outcome::created;
}

fs::path default_golden_dir() {
  std::error_code ec;
  if (fs::is_directory("golden/scenarios", ec)) return "golden";
  return fs::path(AIOCONFORM_SOURCE_DIR) / "golden";
}

bool matches_glob(std::string_view pattern, std::string_view name) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

}  // namespace aioconform::cli
