#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "format/scenario.h"

namespace aioconform::format {

/// The limits of scenario.md, "Limits".
namespace scenario_limits {
inline constexpr std::size_t max_scripts = 64;         ///< entries of `scripts`
inline constexpr std::size_t max_steps = 2000;         ///< steps in all, nested ones included
inline constexpr std::size_t max_nesting = 8;          ///< expressions and blocks inside a step
inline constexpr std::size_t max_children = 64;        ///< children of one expression
inline constexpr std::int64_t max_duration = 1000000;  ///< units
inline constexpr std::size_t max_string = 1024;        ///< characters (code points)
inline constexpr std::size_t max_value_nesting = 8;    ///< arrays and objects in a value
}  // namespace scenario_limits

/// Validates `doc` as an `aioconform.scenario/1` document and returns its model.
///
/// Validation is complete (scenario.md is the contract): the format string; required and
/// unknown keys at every level; names, handles (`as`, unique in the document, never
/// `main`), script references (must exist), exception types (built-in or declared);
/// durations, values (no floats, no `$` keys) and the limits; `future` only with gather or
/// shield; task_group children only scripts or coroutine-kind expressions; and `requires`
/// equal to the features used. Whether a handle is bound before use depends on execution
/// order and is left to the runtime.
///
/// Throws format_error(file, JSON path, reason) at the first violation, for example
/// `x.json: /main/steps/3/expr/children/0/script: unknown script 'foo'`.
[[nodiscard]] scenario parse_scenario(const nlohmann::json& doc, const std::string& file);

/// load_json_file, then parse_scenario.
[[nodiscard]] scenario load_scenario(const std::filesystem::path& path);

/// The features (features.h) that `s`'s steps use: `cancel_message` for a `cancel` with
/// `msg`, `timeout` for a `timeout` step, `task_group` for a task_group expression,
/// `as_completed_async_for` for an `as_completed` with `form: async_for`.
[[nodiscard]] std::set<std::string> features_used(const scenario& s);

}  // namespace aioconform::format
