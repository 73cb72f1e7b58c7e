#pragma once

// annotate: which clause decided each event of a trace. It follows the trace through the
// model as check does (trying the open choices' alternatives in the order check ranks them)
// and, for each event the furthest-matching schedule reproduced, names the clause of the
// transition that made it. Timelines (report/) print these next to the events.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/scenario.h"
#include "spec/model/profile.h"

namespace aioconform::model {

/// Per event of `trace`: the clause of the model transition that made it, or "" for the
/// events after the first one no allowed schedule reproduces (and for every event of an
/// unsupported run). Throws scenario_error when the scenario cannot be interpreted.
[[nodiscard]] std::vector<std::string> annotate(const format::scenario& sc,
                                                const nlohmann::json& trace, const profile& p,
                                                std::size_t max_schedules = 1000);

}  // namespace aioconform::model
