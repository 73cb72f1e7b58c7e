#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/runtime.h"
#include "adapters/runtime_discovery.h"

namespace aioconform::cli {

/// Every runtime this machine offers: custom ones from the configuration file first, then
/// the discovered interpreters. A configured runtime wins over a discovered one of the same
/// name (which is then listed as shadowed). Discovery probes interpreters, so it runs only
/// when a name is not configured or the whole list is asked for, and at most once.
class runtime_catalog {
 public:
  /// Reads `config_file`, or the default configuration file when there is one
  /// (adapters::default_runtime_config_path). Throws format::format_error for a bad file and
  /// cli_error when a named file does not exist.
  explicit runtime_catalog(const std::optional<std::string>& config_file);

  /// The configuration file in use, if any.
  const std::optional<std::filesystem::path>& config_file() const { return config_file_; }

  /// Every usable runtime, unique names, configured first then discovered (each sorted).
  std::vector<adapters::runtime_spec> all();

  /// Discovered runtimes not used because another runtime of the same name wins.
  std::vector<adapters::runtime_spec> shadowed();

  /// Interpreters found but unusable, and why.
  const std::vector<adapters::skipped_interpreter>& skipped();

  /// The runtime called `name`, if this machine has it.
  std::optional<adapters::runtime_spec> find(std::string_view name);

  /// The runtime called `name`; throws cli_error (exit 2) saying what is installed when
  /// there is none.
  adapters::runtime_spec require(std::string_view name);

  /// Why the runtimes `names` are not available, with what is: for messages.
  std::string missing_message(const std::vector<std::string>& names);

 private:
  const adapters::discovered_runtimes& discovered();

  std::optional<std::filesystem::path> config_file_;
  std::vector<adapters::runtime_spec> configured_;
  std::optional<adapters::discovered_runtimes> discovered_;
};

}  // namespace aioconform::cli
