#pragma once

// Why two runtimes' traces of one scenario differ, decided by the model: each trace is
// judged under the other runtime's version profile.
//  - both accepted: an order the spec leaves open (either runtime could have done the
//    other's; e.g. equal-deadline timers, loop.timer.equal-deadline.unordered);
//  - a trace listed in spec/deviations.json for its runtime: a known deviation;
//  - each trace allowed by its own profile, and the model's own runs under the two profiles
//    differ through a clause that SPEC.md §12 lists as changing between versions (or with
//    the eager task factory): a documented change, grouped under that clause;
//  - otherwise: an unexplained deviation, a finding.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "format/scenario.h"
#include "report/clause_catalog.h"

namespace aioconform::report {

enum class change_kind { documented_change, open_order, known_deviation, unexplained };

/// "documented change", "order the spec leaves open", "known deviation",
/// "unexplained deviation".
[[nodiscard]] const char* change_kind_name(change_kind k);

struct behaviour_change {
  change_kind kind = change_kind::unexplained;
  std::string clause;       ///< the clause that explains (or is broken by) the difference
  std::string explanation;  ///< one or two sentences, naming the profiles
};

/// Classifies the difference between `trace_a` and `trace_b` (two runtimes' traces of `sc`).
/// `known_a` / `known_b`: the clause a runtime's trace is listed as breaking in
/// spec/deviations.json, if it is. Throws model::scenario_error when the model cannot run
/// the scenario.
[[nodiscard]] behaviour_change classify_change(const format::scenario& sc,
                                               const nlohmann::json& trace_a,
                                               const nlohmann::json& trace_b,
                                               const clause_catalog& catalog,
                                               const std::optional<std::string>& known_a,
                                               const std::optional<std::string>& known_b);

}  // namespace aioconform::report
