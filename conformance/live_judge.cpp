#include "conformance/live_judge.h"

#include <utility>

#include "spec/model/check.h"
#include "spec/model/world.h"

namespace aioconform::conformance {

judged_case judge_live(case_runner& runner, const live_case& c, const model::profile& profile,
                       const std::set<std::string>& deviation_clauses,
                       const model::simulation* simulated) {
  judged_case out;
  adapters::run_result result = runner.run(c.document, c.scenario);
  if (result.status == adapters::run_status::error ||
      result.status == adapters::run_status::runtime_failure) {
    out.message = std::move(result.message);
    return out;
  }
  out.trace = std::move(result.trace);
  if (simulated != nullptr && model::same_run(*simulated, out.trace)) {
    out.verdict.accepted = true;
    out.verdict.schedules = 1;
    out.outcome = case_outcome::conforms;
    return out;
  }
  try {
    out.verdict = model::check(c.scenario, out.trace, profile, 2000);
  } catch (const model::scenario_error& e) {
    // The runtime ran a scenario the model cannot interpret: the generator's fault, not the
    // runtime's; reported as a failure of the run with what the model said.
    out.message = "the model cannot run this scenario: " + e.message;
    return out;
  }
  if (out.verdict.accepted || out.verdict.inconclusive) {
    out.outcome = case_outcome::conforms;
  } else if (deviation_clauses.count(out.verdict.clause) != 0) {
    out.outcome = case_outcome::known_deviation;
  } else {
    out.outcome = case_outcome::nonconformance;
  }
  return out;
}

judged_case judge_live(adapters::adapter_session& session, const live_case& c,
                       const model::profile& profile,
                       const std::set<std::string>& deviation_clauses) {
  struct session_runner final : case_runner {
    adapters::adapter_session& session;
    explicit session_runner(adapters::adapter_session& s) : session(s) {}
    nlohmann::json runtime() override { return session.start().runtime; }
    adapters::run_result run(const nlohmann::json& document, const format::scenario&) override {
      return session.run(document);
    }
  } runner(session);
  return judge_live(runner, c, profile, deviation_clauses);
}

shrunk_case shrink_failure(rc::Shrinkable<live_case> failing, judged_case judged,
                           const std::function<judged_case(const live_case&)>& judge,
                           std::size_t max_steps) {
  shrunk_case out{failing.value(), std::move(judged), 0, 0};
  bool progress = true;
  while (progress && out.tried < max_steps) {
    progress = false;
    auto shrinks = failing.shrinks();
    while (auto candidate = shrinks.next()) {
      if (out.tried++ >= max_steps) break;
      live_case value = candidate->value();
      judged_case j = judge(value);
      if (j.outcome != case_outcome::nonconformance) continue;
      failing = *candidate;
      out.value = std::move(value);
      out.judged = std::move(j);
      ++out.steps;
      progress = true;
      break;
    }
  }
  return out;
}

}  // namespace aioconform::conformance
