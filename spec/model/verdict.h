#pragma once

// A verdict of the model on one trace: accepted, or the clause it breaks, where, and what the
// model allowed there against what was observed.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace aioconform::model {

struct verdict {
  bool accepted = false;
  std::string clause;  ///< the SPEC.md clause broken (empty when accepted)
  std::string where;   ///< a JSON path into the trace: "events[12]", "futures.a.state", "end"
  std::optional<std::size_t> event_index;
  nlohmann::json allowed;     ///< what the model allowed there: an array of alternatives
  nlohmann::json observed;    ///< what the trace has there (null: nothing)
  std::string explanation;    ///< one sentence a person understands
  std::size_t schedules = 0;  ///< schedules explored
  bool inconclusive = false;  ///< the schedule limit was reached before a decision
};

}  // namespace aioconform::model
