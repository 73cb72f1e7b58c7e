#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>

namespace aioconform::cli {

/// Adds --scenarios GLOB: which golden scenarios a subcommand works on.
inline void add_scenarios_option(CLI::App& app, std::string& glob) {
  app.add_option("--scenarios", glob,
                 "Only scenarios whose name matches this glob, e.g. 'gather/*'")
      ->capture_default_str();
}

/// Adds --golden DIR: where scenarios and traces live.
inline void add_golden_option(CLI::App& app, std::optional<std::string>& dir) {
  app.add_option("--golden", dir, "Golden directory (default: ./golden, else the source tree's)");
}

/// Adds --jobs/-j N: how many runtimes are driven in parallel.
inline void add_jobs_option(CLI::App& app, std::size_t& jobs, const std::string& description) {
  app.add_option("--jobs,-j", jobs, description)->check(CLI::PositiveNumber)->capture_default_str();
}

}  // namespace aioconform::cli
