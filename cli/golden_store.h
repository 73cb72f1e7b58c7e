#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/scenario.h"

namespace aioconform::cli {

/// The golden corpus on disk:
///
///     DIR/scenarios/<scenario>.json           a scenario, named by its path without .json
///     DIR/traces/<runtime>/<scenario>.json    what <runtime> did with it, canonically encoded
///
/// Reads never modify it. Writes are atomic (a temporary file in the target directory,
/// then a rename or link), so an interrupted record never leaves a half-written golden, and
/// an existing golden is only replaced when asked to.
class golden_store {
 public:
  explicit golden_store(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path scenario_path(std::string_view scenario) const;
  std::filesystem::path trace_path(std::string_view runtime, std::string_view scenario) const;

  /// Every scenario under scenarios/, recursively, sorted by name.
  std::vector<std::string> scenario_names() const;

  /// Every runtime with a directory under traces/, sorted.
  std::vector<std::string> trace_runtimes() const;

  /// Every scenario recorded for `runtime`, sorted; empty when it has no directory.
  std::vector<std::string> trace_names(std::string_view runtime) const;

  /// Loads and validates a scenario; its `name` must match its path, since goldens are
  /// filed under the name. Throws format::format_error.
  format::scenario load_scenario(std::string_view scenario) const;

  /// The bytes of a golden trace, or nullopt when there is none. Throws format::format_error
  /// when it exists but cannot be read.
  std::optional<std::string> read_trace(std::string_view runtime, std::string_view scenario) const;

  enum class write_outcome {
    created,    // there was no golden
    unchanged,  // the golden already had exactly these bytes
    kept,       // the golden differs and was left alone (update was false)
    updated,    // the golden differed and was replaced (update was true)
  };

  /// Stores `bytes` as the golden trace of `scenario` on `runtime`. Throws
  /// std::filesystem::filesystem_error when the file cannot be written.
  write_outcome write_trace(std::string_view runtime, std::string_view scenario,
                            std::string_view bytes, bool update) const;

 private:
  std::filesystem::path root_;
};

/// The golden directory used when none is named: ./golden when it exists (running from a
/// checkout), else the one in the source tree aioconform was built from.
std::filesystem::path default_golden_dir();

/// True when `name` matches the shell-style `pattern` (*, ?, [...]); `*` also matches '/',
/// so "gather*" selects every scenario under gather/.
bool matches_glob(std::string_view pattern, std::string_view name);

}  // namespace aioconform::cli
