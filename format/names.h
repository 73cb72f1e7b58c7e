#pragma once

#include <set>
#include <string>
#include <string_view>

namespace aioconform::format {

/// True when `name` can name a script, a handle (`as`) or an event:
/// `[A-Za-z_][A-Za-z0-9_.-]{0,63}`. Such names never contain `#`, which auto-names
/// (`worker#1`, `gather#2`) use.
[[nodiscard]] bool is_valid_name(std::string_view name);

/// True when `name` can name an exception class declared in a scenario's `exceptions`:
/// a Python identifier in ASCII, `[A-Za-z_][A-Za-z0-9_]{0,63}`.
[[nodiscard]] bool is_valid_exception_name(std::string_view name);

/// True when `name` can be a scenario's `name`: one or more `/`-separated segments, each
/// `[A-Za-z0-9_][A-Za-z0-9_.-]*`, as in `gather/child-raises-others-keep-running`. Such a
/// name is also a relative file path (without `.json`) that stays inside its directory.
[[nodiscard]] bool is_valid_scenario_name(std::string_view name);

/// The handle name of the main coroutine; reserved, no `as` may bind it.
inline constexpr std::string_view main_handle = "main";

/// The exception types every scenario may raise without declaring them (scenario.md,
/// "Exception types"), by their bare names.
[[nodiscard]] const std::set<std::string, std::less<>>& builtin_exception_types();

}  // namespace aioconform::format
