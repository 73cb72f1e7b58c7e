#pragma once

// Mutations of one observable field of a trace (spec/formats/trace.md), to prove the
// checker can fail: a mutant of an allowed trace must be rejected unless it is itself an
// allowed trace.

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace aioconform::properties {

enum class mutation {
  outcome,         ///< an event's outcome: value, exception type or message, cancelled<->exception
  swap_same_task,  ///< two adjacent events of the same task (program order is fixed)
  swap_other_tasks,  ///< two adjacent events of different tasks
  set_membership,    ///< a wait result's element moved from the done set to the pending set
  time,              ///< an event's `t` + 1
  final_state,       ///< a final state in `futures`
  report,            ///< a report added or removed
  end,               ///< `end`: completed <-> hang
};

inline constexpr std::array<mutation, 8> all_mutations = {mutation::outcome,
                                                          mutation::swap_same_task,
                                                          mutation::swap_other_tasks,
                                                          mutation::set_membership,
                                                          mutation::time,
                                                          mutation::final_state,
                                                          mutation::report,
                                                          mutation::end};

[[nodiscard]] std::string_view name(mutation m);

/// `trace` with one field changed by `m`; `pick` selects among the places `m` applies to
/// (modulo their number). nullopt when `m` applies nowhere in `trace` (for example no wait
/// result has a non-empty done set). The mutant always differs from `trace`.
[[nodiscard]] std::optional<nlohmann::json> mutate(const nlohmann::json& trace, mutation m,
                                                   std::size_t pick);

}  // namespace aioconform::properties
