#pragma once

// The golden corpus of the source tree, for tests that sweep it.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aioconform::report::testing {

inline std::filesystem::path source_dir() {
  return AIOCONFORM_SOURCE_DIR;
}
inline std::filesystem::path golden_dir() {
  return source_dir() / "golden";
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

/// Every scenario name under golden/scenarios, sorted.
inline std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  const auto root = golden_dir() / "scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    auto name = std::filesystem::relative(entry.path(), root).replace_extension().generic_string();
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// Every runtime with a golden trace directory, sorted.
inline std::vector<std::string> golden_runtimes() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir() / "traces")) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::filesystem::path trace_path(const std::string& runtime, const std::string& scenario) {
  return golden_dir() / "traces" / runtime / (scenario + ".json");
}

}  // namespace aioconform::report::testing
