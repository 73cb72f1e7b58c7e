#pragma once

#include <set>
#include <string>
#include <string_view>

namespace aioconform::format {

/// Scenario features (scenario.md, "Features"): language elements that only some runtimes
/// have. A scenario's `requires` lists exactly the features its steps use; a runtime that
/// lacks one answers `unsupported`.
namespace features {
inline constexpr std::string_view cancel_message = "cancel_message";  ///< `cancel` with `msg`
inline constexpr std::string_view timeout = "timeout";                ///< the `timeout` step
inline constexpr std::string_view task_group = "task_group";  ///< the `task_group` expression
/// `as_completed` with `form: async_for`.
inline constexpr std::string_view as_completed_async_for = "as_completed_async_for";
}  // namespace features

/// Every feature this version of the format knows, sorted.
[[nodiscard]] const std::set<std::string, std::less<>>& known_features();

}  // namespace aioconform::format
