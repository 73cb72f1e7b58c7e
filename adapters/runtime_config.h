#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/runtime.h"

namespace aioconform::adapters {

/// The format string of a runtime configuration file.
inline constexpr std::string_view runtime_config_format = "aioconform.runtimes/1";

/// True when `name` can name a runtime: `[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}`. A runtime's
/// name is a directory under golden/traces/, so it has no '/' and does not start with '.'.
bool is_valid_runtime_name(std::string_view name);

/// Custom runtimes from a configuration document:
///
///     {"format": "aioconform.runtimes/1",
///      "runtimes": [{"name": "cpython-main", "command": ["/opt/py/bin/python3",
///                    "adapters/python/aioconform_adapter.py"], "env": {"X": "1"},
///                    "description": "CPython built from main"}]}
///
/// `name` and `command` (a non-empty array of strings) are required, `env` (strings) and
/// `description` optional, unknown keys and duplicate names rejected. Throws
/// format::format_error(file, JSON pointer, reason) at the first problem.
std::vector<runtime_spec> parse_runtime_config(const nlohmann::json& document,
                                               const std::string& file);

/// Reads and parses the configuration file at `path`; throws format::format_error.
std::vector<runtime_spec> load_runtime_config(const std::filesystem::path& path);

/// The configuration file used when none is named: ./aioconform-runtimes.json if present,
/// else $XDG_CONFIG_HOME/aioconform/runtimes.json (~/.config when unset) if present.
std::optional<std::filesystem::path> default_runtime_config_path();

/// A runtime from `--runtime-cmd`: the command line split like a shell would, run
/// without a shell. Throws command_line_error when it is empty or cannot be split, and
/// std::invalid_argument when `name` is not a valid runtime name.
runtime_spec runtime_from_command(std::string_view command_line, std::string name = "custom");

}  // namespace aioconform::adapters
