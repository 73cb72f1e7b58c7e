#pragma once

// check: does the model allow this trace of this scenario under this profile? It runs the
// model, following the trace's order wherever the model has an open choice (equal-deadline
// timers): a schedule is abandoned at its first event that differs from the trace, and the
// next alternative is tried. It rejects only when no allowed schedule produces the trace,
// naming the clause of the transition that made the furthest-matching schedule's differing
// event. Typical scenarios have no open choice: one run, linear in the trace's length.

#include <cstddef>
#include <nlohmann/json.hpp>

#include "format/scenario.h"
#include "spec/model/profile.h"
#include "spec/model/verdict.h"

namespace aioconform::model {

/// Throws scenario_error when the scenario cannot be interpreted.
[[nodiscard]] verdict check(const format::scenario& sc, const nlohmann::json& trace,
                            const profile& p, std::size_t max_schedules = 10000);

/// Features (spec/formats/scenario.md) a profile supports.
[[nodiscard]] bool profile_supports(const profile& p, const std::string& feature);

}  // namespace aioconform::model
