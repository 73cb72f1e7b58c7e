#include "report/behaviour_change.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "report/timeline.h"
#include "spec/model/annotate.h"
#include "spec/model/check.h"
#include "spec/model/profile.h"
#include "spec/model/simulate.h"

namespace aioconform::report {
namespace {

bool model_runs_differ(const format::scenario& sc, const model::profile& a,
                       const model::profile& b) {
  nlohmann::json run_a = model::simulate(sc, a).trace;
  nlohmann::json run_b = model::simulate(sc, b).trace;
  run_a.erase("runtime");
  run_b.erase("runtime");
  return run_a != run_b;
}

/// The §12 clause that makes the model's own runs of `sc` differ between profiles `a` and
/// `b`: the first listed clause among the transitions from the first event where the two
/// runs differ, else among the clauses the scenario exercises, else one that only one run
/// passes through; nullopt when the runs agree or no listed clause is involved.
std::optional<std::string> version_clause(const format::scenario& sc, const model::profile& a,
                                          const model::profile& b, const clause_catalog& catalog) {
  const model::simulation run_a = model::simulate(sc, a);
  const model::simulation run_b = model::simulate(sc, b);
  nlohmann::json behaviour_a = run_a.trace;
  nlohmann::json behaviour_b = run_b.trace;
  behaviour_a.erase("runtime");
  behaviour_b.erase("runtime");
  if (behaviour_a == behaviour_b) return std::nullopt;
  const std::size_t from = first_event_difference(run_a.trace, run_b.trace)
                               .value_or(std::min(run_a.clauses.size(), run_b.clauses.size()));
  const std::size_t longest = std::max(run_a.clauses.size(), run_b.clauses.size());
  for (std::size_t i = from; i < longest; ++i) {
    for (const auto* clauses : {&run_b.clauses, &run_a.clauses}) {
      if (i < clauses->size() && catalog.changes_between_versions((*clauses)[i])) {
        return (*clauses)[i];
      }
    }
  }
  // The model tags events with the clause of the transition that made them; a version
  // difference inside a transition (gather.done-children) shows in the clauses the scenario
  // says it exercises.
  for (const std::string& c : sc.clauses) {
    if (catalog.changes_between_versions(c)) return c;
  }
  const std::set<std::string> in_a(run_a.clauses.begin(), run_a.clauses.end());
  const std::set<std::string> in_b(run_b.clauses.begin(), run_b.clauses.end());
  for (const auto& [mine, theirs] : {std::pair{&in_b, &in_a}, std::pair{&in_a, &in_b}}) {
    for (const std::string& c : *mine) {
      if (!theirs->contains(c) && catalog.changes_between_versions(c)) return c;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* change_kind_name(change_kind k) {
  switch (k) {
    case change_kind::documented_change:
      return "documented change";
    case change_kind::open_order:
      return "order the spec leaves open";
    case change_kind::known_deviation:
      return "known deviation";
    case change_kind::unexplained:
      return "unexplained deviation";
  }
  return "unexplained deviation";
}

behaviour_change classify_change(const format::scenario& sc, const nlohmann::json& trace_a,
                                 const nlohmann::json& trace_b, const clause_catalog& catalog,
                                 const std::optional<std::string>& known_a,
                                 const std::optional<std::string>& known_b) {
  const std::string name_a = trace_a.at("runtime").value("name", "A");
  const std::string name_b = trace_b.at("runtime").value("name", "B");
  if (known_a || known_b) {
    const std::string& who = known_a ? name_a : name_b;
    return {change_kind::known_deviation, known_a ? *known_a : *known_b,
            fmt::format("{} is listed in spec/deviations.json as breaking it", who)};
  }
  const auto pa = model::profile_of_runtime(trace_a.at("runtime"));
  const auto pb = model::profile_of_runtime(trace_b.at("runtime"));
  if (!pa || !pb) {
    return {change_kind::unexplained, "",
            fmt::format("{} has no version profile (3.8-3.13) to judge by", pa ? name_b : name_a)};
  }
  const model::verdict a_under_b = model::check(sc, trace_a, *pb);
  const model::verdict b_under_a = model::check(sc, trace_b, *pa);
  if (a_under_b.accepted && b_under_a.accepted) {
    // The clause of the model's transition at the first event that differs.
    std::string clause;
    if (const auto at = first_event_difference(trace_a, trace_b)) {
      const auto clauses = model::annotate(sc, trace_a, *pa);
      if (*at < clauses.size()) clause = clauses[*at];
    }
    return {change_kind::open_order, clause,
            fmt::format("each trace is allowed under the other's profile ({} and {})", pa->name(),
                        pb->name())};
  }
  const bool a_rejected = !a_under_b.accepted;
  const model::verdict& v = a_rejected ? a_under_b : b_under_a;
  const std::string explanation =
      fmt::format("{}'s trace under profile {}: {}", a_rejected ? name_a : name_b,
                  (a_rejected ? *pb : *pa).name(), v.explanation);
  // A documented change: each trace is what its own profile allows, and the model itself
  // behaves differently under the two profiles, through a clause §12 lists.
  if (*pa != *pb && model::check(sc, trace_a, *pa).accepted &&
      model::check(sc, trace_b, *pb).accepted) {
    if (const auto clause = version_clause(sc, *pa, *pb, catalog)) {
      return {change_kind::documented_change, *clause,
              fmt::format("{} (SPEC.md §12: {} changes from {} to {})", explanation, *clause,
                          pa->name(), pb->name())};
    }
    if (model_runs_differ(sc, *pa, *pb)) {
      // The model's profiles differ here, but no §12 clause tags it: still the documented
      // semantics of each version, filed under the clause the other profile rejects.
      return {change_kind::documented_change, v.clause,
              explanation + " (the model's runs under " + pa->name() + " and " + pb->name() +
                  " differ too; SPEC.md §12 names no clause for it)"};
    }
  }
  return {change_kind::unexplained, v.clause, explanation};
}

}  // namespace aioconform::report
