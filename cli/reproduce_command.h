#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "adapters/runtime.h"
#include "cli/command.h"

namespace aioconform::cli {

/// The `aioconform run` command line that re-runs one scenario on one runtime, as a user
/// would paste it: the program as it was invoked, paths relative to the current directory
/// when they are below it, and --config when the runtime comes from a configuration file.
std::string reproduce_command(const cli_context& context, const std::filesystem::path& scenario,
                              const adapters::runtime_spec& runtime,
                              const std::optional<std::filesystem::path>& config_file);

/// `path` relative to the current directory when it is below it, else as given.
std::string display_path(const std::filesystem::path& path);

}  // namespace aioconform::cli
