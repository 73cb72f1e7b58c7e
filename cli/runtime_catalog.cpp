#include "cli/runtime_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "adapters/runtime_config.h"
#include "cli/cli_error.h"

namespace aioconform::cli {

namespace fs = std::filesystem;

runtime_catalog::runtime_catalog(const std::optional<std::string>& config_file) {
  if (config_file) {
    std::error_code ec;
    if (!fs::exists(*config_file, ec)) {
      throw cli_error(
          fmt::format("{}: runtime configuration file not found (--config)", *config_file));
    }
    config_file_ = fs::path(*config_file);
  } else {
    config_file_ = adapters::default_runtime_config_path();
  }
  if (config_file_) configured_ = adapters::load_runtime_config(*config_file_);
  std::stable_sort(configured_.begin(), configured_.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
}

const adapters::discovered_runtimes& runtime_catalog::discovered() {
  if (!discovered_) {
    discovered_ = adapters::discover_runtimes(adapters::discovery_options::from_environment());
  }
  return *discovered_;
}

std::vector<adapters::runtime_spec> runtime_catalog::all() {
  std::vector<adapters::runtime_spec> out = configured_;
  std::set<std::string> names;
  for (const auto& runtime : configured_) names.insert(runtime.name);
  for (const auto& runtime : discovered().runtimes) {
    if (!names.contains(runtime.name)) out.push_back(runtime);
  }
  return out;
}

std::vector<adapters::runtime_spec> runtime_catalog::shadowed() {
  std::vector<adapters::runtime_spec> out;
  for (const auto& runtime : discovered().runtimes) {
    const auto config = std::find_if(configured_.begin(), configured_.end(),
                                     [&](const auto& c) { return c.name == runtime.name; });
    if (config != configured_.end()) {
      out.push_back(runtime);
      out.back().shadowed_by = fmt::format("{} ({})", config_file_->string(), config->name);
    }
  }
  const auto& others = discovered().shadowed;
  out.insert(out.end(), others.begin(), others.end());
  return out;
}

const std::vector<adapters::skipped_interpreter>& runtime_catalog::skipped() {
  return discovered().skipped;
}

std::optional<adapters::runtime_spec> runtime_catalog::find(std::string_view name) {
  for (const auto& runtime : configured_) {
    if (runtime.name == name) return runtime;
  }
  for (const auto& runtime : discovered().runtimes) {
    if (runtime.name == name) return runtime;
  }
  return std::nullopt;
}

adapters::runtime_spec runtime_catalog::require(std::string_view name) {
  if (auto runtime = find(name)) return *runtime;
  throw cli_error(missing_message({std::string(name)}));
}

std::string runtime_catalog::missing_message(const std::vector<std::string>& names) {
  std::vector<std::string> installed;
  for (const auto& runtime : all()) installed.push_back(runtime.name);
  return fmt::format(
      "{} '{}' {} not installed on this machine; installed: {} (see 'aioconform runtimes'; "
      "custom runtimes come from --config or --runtime-cmd)",
      names.size() == 1 ? "runtime" : "runtimes", fmt::join(names, "', '"),
      names.size() == 1 ? "is" : "are",
      installed.empty() ? std::string("none") : fmt::format("{}", fmt::join(installed, ", ")));
}

}  // namespace aioconform::cli
