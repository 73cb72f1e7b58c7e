#pragma once

// exhaustive_cases: every scenario within small bounds, instead of random ones
// (`aioconform check --exhaustive BOUNDS`). A scenario here is one combinator call in main
// over `children` child scripts, each of which sleeps until one of `instants` instants
// (0 .. instants-1) and then ends one way (a result, an exception, CancelledError raised
// by itself, or hanging); the children are passed as bare coroutines or as tasks created
// first; main either awaits the combinator or runs it in a task that it cancels at one of the
// instants. Every combinator option is enumerated: gather's return_exceptions, wait's three
// return_when values, and for each timeout-taking combinator no timeout or a timeout at each
// instant. Case K is always the same scenario for the same bounds.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "conformance/case_source.h"

namespace aioconform::conformance {

/// What the enumeration covers. Parsed from "children=2,instants=3,cancel=1"; any key may be
/// left out (its default below).
struct exhaustive_bounds {
  int children = 2;    ///< 1..children children per combinator call (1..3)
  int instants = 3;    ///< distinct instants: sleeps, timeouts and cancellations at 0..instants-1
  bool cancel = true;  ///< also cancel the task running the combinator at each instant
  bool tasks = true;   ///< also pass the children as tasks (not only as bare coroutines)
};

/// The default bounds, as text: what `--exhaustive default` means.
inline constexpr std::string_view default_exhaustive_bounds =
    "children=2,instants=3,cancel=1,tasks=1";

/// Parses BOUNDS ("default" or key=value pairs); throws std::invalid_argument naming the key
/// and the reason.
[[nodiscard]] exhaustive_bounds parse_exhaustive_bounds(std::string_view text);

/// How many scenarios `bounds` covers.
[[nodiscard]] std::uint64_t exhaustive_case_count(const exhaustive_bounds& bounds);

/// Scenario `index` (< exhaustive_case_count) of `bounds`, an aioconform.scenario/1 document
/// named "exhaustive/case-K". Elements that need a feature (TaskGroup) list it in `requires`,
/// so a runtime without it answers "unsupported".
[[nodiscard]] nlohmann::json exhaustive_case(const exhaustive_bounds& bounds, std::uint64_t index);

/// The same, parsed, as a live case with no shrinks (it is already as small as its bounds
/// allow): what `check --exhaustive` runs.
[[nodiscard]] rc::Shrinkable<live_case> make_exhaustive_case(const exhaustive_bounds& bounds,
                                                             std::uint64_t index);

}  // namespace aioconform::conformance
