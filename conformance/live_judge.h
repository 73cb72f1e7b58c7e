#pragma once

// Runs one scenario on a live runtime and judges its trace with the model.

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "conformance/case_runner.h"
#include "conformance/case_source.h"
#include "spec/model/profile.h"
#include "spec/model/simulate.h"
#include "spec/model/verdict.h"

namespace aioconform::conformance {

enum class case_outcome {
  conforms,         ///< the model accepts the trace (including a correct "unsupported")
  nonconformance,   ///< the model rejects it: a finding
  known_deviation,  ///< rejected citing a clause the runtime is known to break
  runtime_failure,  ///< the runtime crashed, hung, broke the protocol or refused the scenario
};

struct judged_case {
  case_outcome outcome = case_outcome::runtime_failure;
  model::verdict verdict;
  nlohmann::json trace;  ///< what the runtime did (ok/unsupported)
  std::string message;   ///< runtime_failure: what happened
};

/// How many schedules model::check tries per case before the verdict is inconclusive.
inline constexpr std::size_t default_max_schedules = 2000;

/// Runs `c` on `runner` and judges the trace under `profile`; a rejection citing one of
/// `deviation_clauses` is a known deviation. `simulated`, when given, is the model's
/// simulation of `c` under `profile`: a trace equal to it is accepted without running the
/// model again (the usual case); any other trace is judged by model::check, trying at most
/// `max_schedules` schedules.
[[nodiscard]] judged_case judge_live(case_runner& runner, const live_case& c,
                                     const model::profile& profile,
                                     const std::set<std::string>& deviation_clauses,
                                     const model::simulation* simulated = nullptr,
                                     std::size_t max_schedules = default_max_schedules);

/// The same on an adapter session.
[[nodiscard]] judged_case judge_live(adapters::adapter_session& session, const live_case& c,
                                     const model::profile& profile,
                                     const std::set<std::string>& deviation_clauses);

/// Greedy shrinking: follows the first shrink of `failing` that still fails (a
/// nonconformance), until none does or `max_steps` runs were spent. Returns the smallest
/// failing case, its judgement and the number of successful shrink steps.
struct shrunk_case {
  live_case value;
  judged_case judged;
  std::size_t steps = 0;
  std::size_t tried = 0;
};
[[nodiscard]] shrunk_case shrink_failure(rc::Shrinkable<live_case> failing, judged_case judged,
                                         const std::function<judged_case(const live_case&)>& judge,
                                         std::size_t max_steps);

}  // namespace aioconform::conformance
