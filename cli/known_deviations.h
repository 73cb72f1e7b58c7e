#pragma once

// spec/deviations.json: the known deviations of real runtimes from the model (SPEC.md §13),
// machine-readable. Each entry is a finding that was recorded, not hidden: the golden stays
// as the runtime produced it and verify expects the model to reject it with that clause.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aioconform::cli {

struct known_deviation {
  std::string runtime;   ///< a golden runtime directory name, e.g. "uvloop-3.11"
  std::string scenario;  ///< a scenario name
  std::string clause;    ///< the clause the runtime breaks
  std::string why;       ///< one sentence, with the upstream issue where there is one
  /// Optional: interpreters ("IMPLEMENTATION VERSION", as a trace's runtime object says,
  /// e.g. "cpython 3.11.2") that have this deviation whatever the runtime is called, for a
  /// bug of the interpreter itself: check and mutants then expect it of any runtime that
  /// reports one of them (a --runtime-cmd on Debian's python3, say), not just `runtime`.
  std::vector<std::string> interpreters;

  /// Whether live runs of this runtime (its name, and its runtime object from the adapter)
  /// are expected to show this deviation.
  [[nodiscard]] bool applies_to(std::string_view runtime_name,
                                const nlohmann::json& runtime_object) const;
};

struct known_deviations {
  std::vector<known_deviation> entries;
  [[nodiscard]] const known_deviation* find(std::string_view runtime,
                                            std::string_view scenario) const;
  /// The clauses live runs of this runtime are expected to break (see applies_to).
  [[nodiscard]] std::set<std::string> clauses_for(std::string_view runtime_name,
                                                  const nlohmann::json& runtime_object) const;
};

/// Where the list lives for a golden directory: spec/deviations.json beside it.
[[nodiscard]] inline std::filesystem::path default_deviations_path(
    const std::filesystem::path& golden_root) {
  return golden_root.parent_path() / "spec" / "deviations.json";
}

/// Loads `aioconform.deviations/1`; a missing file is an empty list. Throws
/// format::format_error (file, JSON path, reason) on a malformed one.
[[nodiscard]] known_deviations load_known_deviations(const std::filesystem::path& path);

}  // namespace aioconform::cli
