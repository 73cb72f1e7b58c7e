#include "adapters/runtime_discovery.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <variant>

#include "adapters/interpreter_probe.h"
#include "adapters/natural_order.h"

#ifndef AIOCONFORM_SOURCE_DIR
#error "AIOCONFORM_SOURCE_DIR must be defined by the build"
#endif

namespace aioconform::adapters {
namespace {

namespace fs = std::filesystem;

// Interpreter names looked up in each PATH directory, in this order.
const std::vector<std::string>& interpreter_names() {
  static const std::vector<std::string> names = {"python3",    "python3.8",  "python3.9",
                                                 "python3.10", "python3.11", "python3.12",
                                                 "python3.13", "pypy3"};
  return names;
}

// In a pyenv version directory, the first of these that exists is its interpreter.
const std::vector<std::string>& pyenv_interpreter_names() {
  static const std::vector<std::string> names = {"python3", "pypy3", "python"};
  return names;
}

// The versions the Python adapter supports (docs/adapter-protocol.md).
constexpr int oldest_cpython_minor = 8;
constexpr int oldest_pypy_minor = 9;
constexpr int newest_minor = 13;
constexpr int eager_minor = 12;  // asyncio.eager_task_factory appeared in 3.12

// Environment every discovered runtime gets: the protocol is UTF-8 whatever the locale, and
// string hashing is fixed so that nothing the runtime iterates depends on the run.
const std::map<std::string, std::string>& python_environment() {
  static const std::map<std::string, std::string> env = {{"PYTHONIOENCODING", "utf-8"},
                                                         {"PYTHONHASHSEED", "0"}};
  return env;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> dirs;
  std::size_t start = 0;
  for (;;) {
    const auto colon = path.find(':', start);
    // An empty entry means the current directory to a shell; running whatever python3 the
    // current directory holds is never what a conformance run wants, so it is skipped.
    std::string dir = path.substr(start, colon == std::string::npos ? colon : colon - start);
    if (!dir.empty()) dirs.push_back(std::move(dir));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

bool is_executable_file(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

// The pyenv root whose shims `dir` is, if it is one.
std::optional<fs::path> pyenv_root_of_shims(const fs::path& dir, const discovery_options& options) {
  std::error_code ec;
  if (!options.pyenv_root.empty() &&
      fs::equivalent(dir, fs::path(options.pyenv_root) / "shims", ec)) {
    return fs::path(options.pyenv_root);
  }
  if (dir.filename() == "shims" && fs::is_directory(dir.parent_path() / "versions", ec)) {
    return dir.parent_path();
  }
  return std::nullopt;
}

void add_candidate(std::vector<interpreter_candidate>& out, std::set<std::string>& seen,
                   const fs::path& path, std::string source, std::string description) {
  if (!is_executable_file(path)) return;
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  if (ec) return;
  if (!seen.insert(real.string()).second) return;
  out.push_back({path.string(), real.string(), std::move(source), std::move(description)});
}

void add_pyenv_versions(std::vector<interpreter_candidate>& out, std::set<std::string>& seen,
                        const fs::path& root) {
  std::vector<std::string> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root / "versions", ec)) {
    if (entry.is_directory(ec)) versions.push_back(entry.path().filename().string());
  }
  // Newest first, so that of two installs of one X.Y the newest patch release wins.
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return natural_less(b, a); });
  for (const auto& version : versions) {
    for (const auto& name : pyenv_interpreter_names()) {
      const fs::path path = root / "versions" / version / "bin" / name;
      if (is_executable_file(path)) {
        add_candidate(out, seen, path, "pyenv", fmt::format("pyenv {}", version));
        break;
      }
    }
  }
}

std::string display_implementation(const std::string& implementation) {
  if (implementation == "cpython") return "CPython";
  if (implementation == "pypy") return "PyPy";
  return implementation;
}

runtime_spec make_runtime(const interpreter_candidate& candidate, const interpreter_info& info,
                          const std::string& adapter_script, std::string name,
                          std::vector<std::string> options) {
  runtime_spec runtime;
  runtime.name = std::move(name);
  runtime.command = {candidate.path, adapter_script};
  runtime.command.insert(runtime.command.end(), options.begin(), options.end());
  runtime.env = python_environment();
  runtime.interpreter = candidate.path;
  runtime.implementation = info.implementation;
  runtime.version = info.version;
  runtime.options = std::move(options);
  runtime.source = candidate.source;
  runtime.description = candidate.description;
  return runtime;
}

// The runtimes one interpreter offers, or why it offers none.
std::variant<std::vector<runtime_spec>, std::string> runtimes_of(
    const interpreter_candidate& candidate, const interpreter_info& info,
    const std::string& adapter_script) {
  const std::string version_label =
      fmt::format("{} {}", display_implementation(info.implementation), info.version);
  const std::string xy = fmt::format("{}.{}", info.major, info.minor);
  const bool is_cpython = info.implementation == "cpython";
  const bool is_pypy = info.implementation == "pypy";
  if (!is_cpython && !is_pypy) {
    return fmt::format("{}: the adapter supports CPython and PyPy only", version_label);
  }
  const int oldest = is_cpython ? oldest_cpython_minor : oldest_pypy_minor;
  if (info.major != 3 || info.minor < oldest || info.minor > newest_minor) {
    return fmt::format("{}: the adapter supports {} 3.{} to 3.{}", version_label,
                       display_implementation(info.implementation), oldest, newest_minor);
  }

  std::vector<runtime_spec> out;
  // Without _asyncio (always so on PyPy) only the pure-Python Task and Future exist.
  const std::vector<std::string> base_tasks = info.has_c_asyncio
                                                  ? std::vector<std::string>{}
                                                  : std::vector<std::string>{"--tasks", "python"};
  if (is_cpython) {
    if (info.has_c_asyncio) {
      out.push_back(make_runtime(candidate, info, adapter_script, "cpython-" + xy, {}));
    }
    out.push_back(make_runtime(candidate, info, adapter_script, "cpython-" + xy + "-pytasks",
                               {"--tasks", "python"}));
    if (info.minor >= eager_minor && info.has_c_asyncio) {
      out.push_back(make_runtime(candidate, info, adapter_script, "cpython-" + xy + "-eager",
                                 {"--task-factory", "eager"}));
    }
  } else {
    out.push_back(make_runtime(candidate, info, adapter_script, "pypy-" + xy, base_tasks));
  }
  if (!info.uvloop_version.empty()) {
    std::vector<std::string> options = base_tasks;
    options.insert(options.end(), {"--loop", "uvloop"});
    out.push_back(make_runtime(candidate, info, adapter_script, "uvloop-" + xy, options));
  }
  return out;
}

bool by_name(const runtime_spec& a, const runtime_spec& b) {
  return natural_less(a.name, b.name);
}

}  // namespace

discovery_options discovery_options::from_environment() {
  discovery_options options;
  if (const char* path = std::getenv("PATH")) options.path = path;
  if (const char* root = std::getenv("PYENV_ROOT"); root != nullptr && *root != '\0') {
    options.pyenv_root = root;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    options.pyenv_root = fmt::format("{}/.pyenv", home);
  }
  options.adapter_script = default_adapter_script();
  return options;
}

std::string default_adapter_script() {
  if (const char* dir = std::getenv("AIOCONFORM_ADAPTER_DIR"); dir != nullptr && *dir != '\0') {
    return (fs::path(dir) / "aioconform_adapter.py").string();
  }
  return (fs::path(AIOCONFORM_SOURCE_DIR) / "adapters" / "python" / "aioconform_adapter.py")
      .string();
}

std::vector<interpreter_candidate> find_interpreters(const discovery_options& options) {
  std::vector<interpreter_candidate> out;
  std::set<std::string> seen;
  std::set<std::string> pyenv_roots_done;
  for (const auto& dir : split_path(options.path)) {
    if (const auto root = pyenv_root_of_shims(dir, options)) {
      std::error_code ec;
      const fs::path canonical_root = fs::weakly_canonical(*root, ec);
      if (pyenv_roots_done.insert(canonical_root.string()).second) {
        add_pyenv_versions(out, seen, *root);
      }
      continue;
    }
    for (const auto& name : interpreter_names()) {
      add_candidate(out, seen, fs::path(dir) / name, "PATH", fmt::format("PATH {}", dir));
    }
  }
  // pyenv installed but its shims not on PATH (a non-interactive shell that never ran
  // `pyenv init`): its versions still count, after everything PATH names.
  if (!options.pyenv_root.empty()) {
    std::error_code ec;
    const fs::path root(options.pyenv_root);
    if (fs::is_directory(root / "versions", ec) &&
        !pyenv_roots_done.contains(fs::weakly_canonical(root, ec).string())) {
      add_pyenv_versions(out, seen, root);
    }
  }
  return out;
}

discovered_runtimes discover_runtimes(const discovery_options& options) {
  const auto candidates = find_interpreters(options);
  std::vector<std::string> paths;
  paths.reserve(candidates.size());
  for (const auto& candidate : candidates) paths.push_back(candidate.path);
  const auto probes = probe_interpreters(paths, options.probe_timeout);

  discovered_runtimes result;
  std::map<std::string, std::string> winner_interpreter;  // runtime name -> interpreter path
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto& candidate = candidates[i];
    if (const auto* failure = std::get_if<probe_failure>(&probes[i])) {
      result.skipped.push_back({candidate, failure->reason});
      continue;
    }
    const auto& info = std::get<interpreter_info>(probes[i]);
    auto offered = runtimes_of(candidate, info, options.adapter_script);
    if (const auto* reason = std::get_if<std::string>(&offered)) {
      result.skipped.push_back({candidate, *reason});
      continue;
    }
    for (auto& runtime : std::get<std::vector<runtime_spec>>(offered)) {
      const auto [winner, inserted] = winner_interpreter.emplace(runtime.name, candidate.path);
      if (inserted) {
        result.runtimes.push_back(std::move(runtime));
      } else {
        runtime.shadowed_by = winner->second;
        result.shadowed.push_back(std::move(runtime));
      }
    }
  }
  std::stable_sort(result.runtimes.begin(), result.runtimes.end(), by_name);
  std::stable_sort(result.shadowed.begin(), result.shadowed.end(), by_name);
  return result;
}

}  // namespace aioconform::adapters
