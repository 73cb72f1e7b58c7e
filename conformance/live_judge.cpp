#include "conformance/live_judge.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "format/scenario_codec.h"
#include "spec/model/check.h"
#include "spec/model/world.h"

namespace aioconform::conformance {
namespace {

// Every script name that a "script" field under `node` refers to (create_task steps and
// child expressions are the only fields of that name).
void collect_script_refs(const nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "script" && it->is_string()) out.push_back(it->get<std::string>());
      collect_script_refs(*it, out);
    }
  } else if (node.is_array()) {
    for (const nlohmann::json& item : node) collect_script_refs(item, out);
  }
}

// `c` without the scripts that main never reaches (through create_task or a child
// expression, transitively), or nothing if it has none. The generators draw scripts that a
// shrunk main no longer uses, and RapidCheck's shrinks of the draft never drop them; they
// never run, so they only make a counterexample look bigger than it is.
std::optional<live_case> without_unused_scripts(const live_case& c) {
  const nlohmann::json* scripts =
      c.document.contains("scripts") ? &c.document.at("scripts") : nullptr;
  if (scripts == nullptr || !scripts->is_object()) return std::nullopt;
  std::set<std::string> reached;
  std::vector<std::string> pending;
  collect_script_refs(c.document.at("main"), pending);
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (!reached.insert(name).second || !scripts->contains(name)) continue;
    collect_script_refs(scripts->at(name), pending);
  }
  if (reached.size() >= scripts->size()) return std::nullopt;
  live_case out{c.document, {}};
  nlohmann::json kept = nlohmann::json::object();
  for (auto it = scripts->begin(); it != scripts->end(); ++it) {
    if (reached.count(it.key()) != 0) kept[it.key()] = *it;
  }
  if (kept.empty()) {
    out.document.erase("scripts");
  } else {
    out.document["scripts"] = std::move(kept);
  }
  try {
    out.scenario = format::parse_scenario(out.document, "shrunk.json");
  } catch (const std::exception&) {
    return std::nullopt;  // keep the case as it is rather than guess
  }
  return out;
}

}  // namespace

judged_case judge_live(case_runner& runner, const live_case& c, const model::profile& profile,
                       const std::set<std::string>& deviation_clauses,
                       const model::simulation* simulated, std::size_t max_schedules) {
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
    out.verdict = model::check(c.scenario, out.trace, profile, max_schedules);
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
  // Last, the scripts the smallest case no longer uses, if it still fails without them.
  if (out.tried < max_steps) {
    if (std::optional<live_case> tidy = without_unused_scripts(out.value)) {
      ++out.tried;
      judged_case j = judge(*tidy);
      if (j.outcome == case_outcome::nonconformance) {
        out.value = std::move(*tidy);
        out.judged = std::move(j);
        ++out.steps;
      }
    }
  }
  return out;
}

}  // namespace aioconform::conformance
