#pragma once

// A version profile: which CPython semantics the model judges by (SPEC.md §2). CPython's
// versions differ on purpose in a few documented places; the model takes the profile and
// follows that version's asyncio, clause by clause.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace aioconform::model {

struct profile {
  int minor = 13;      ///< CPython 3.<minor>, 8..13
  bool eager = false;  ///< asyncio.eager_task_factory installed (3.12+)
  /// Not a CPython version: the loop runs one more iteration after main's done callback
  /// asked it to stop (uvloop's run.stop deviation). check() judges by it only to name the
  /// clause of a rejected trace; no trace is accepted because of it.
  bool late_stop = false;
  /// Not a CPython version either: call_later(0) is call_soon, so a zero-delay timer runs in
  /// FIFO order with the callbacks already queued (uvloop's loop.timer.after-ready
  /// deviation). Used by check() the same way, to name a clause only.
  bool zero_delay_soon = false;
  /// The trace comes from a real clock (coarse units): timers due at one logical instant
  /// may fire in different iterations. check() sets it from the trace's runtime.clock.
  bool real_clock = false;

  /// "3.12" or "3.12-eager".
  [[nodiscard]] std::string name() const;
  friend bool operator==(const profile&, const profile&) = default;
};

/// The newest profile: what the model assumes when nothing says otherwise.
inline constexpr profile latest_profile{13, false};

/// Parses "3.8" ... "3.13", optionally suffixed "-eager" (3.12+); nullopt otherwise.
[[nodiscard]] std::optional<profile> parse_profile(std::string_view text);

/// The profile a trace's `runtime` object implies: its `version` (major.minor; PyPy
/// reports the CPython language version it implements) and `task_factory`. nullopt when
/// the version is outside 3.8-3.13.
[[nodiscard]] std::optional<profile> profile_of_runtime(const nlohmann::json& runtime);

}  // namespace aioconform::model
