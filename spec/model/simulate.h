#pragma once

// simulate: one allowed trace of a scenario under a profile, its open choices drawn from a
// seed (seed 0: always the first alternative, i.e. timers with equal deadlines in creation
// order).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "format/scenario.h"
#include "spec/model/profile.h"

namespace aioconform::model {

struct simulation {
  nlohmann::json trace;              ///< an aioconform.trace/1 document (runtime "model")
  std::vector<std::string> clauses;  ///< per event: the clause of the transition that made it
  /// The clauses whose branches the run took inside broader transitions, and those decided
  /// on its end and reports (event_sink::exercised), each once.
  std::set<std::string> exercised;
  std::size_t choices = 0;  ///< open choices met
};

/// Every clause the simulated run exercised: its events' clauses and `s.exercised`. This is
/// what clause coverage counts.
[[nodiscard]] std::set<std::string> exercised_clauses(const simulation& s);

/// The runtime object of a model trace for profile `p`.
[[nodiscard]] nlohmann::json model_runtime(const profile& p);

/// One allowed trace. Throws scenario_error when the scenario cannot be interpreted.
[[nodiscard]] simulation simulate(const format::scenario& sc, const profile& p,
                                  std::uint64_t seed = 0);

/// Whether `trace` is the simulated run itself: the same end, missing features, events,
/// futures and reports. Such a trace is one the model allows, so check() accepts it; a
/// false answer decides nothing (another schedule may match: ask check()). A trace made on
/// a real clock is never taken as matching: check() judges it under a real-clock profile.
/// This is the cheap judgement of a live case, whose simulation its --clauses filter and
/// clause coverage need anyway.
[[nodiscard]] bool same_run(const simulation& s, const nlohmann::json& trace);

/// Every distinct allowed trace of a small scenario (at most `limit` schedules explored);
/// `complete` says whether the enumeration finished within the limit.
struct enumeration {
  std::vector<nlohmann::json> traces;
  bool complete = true;
};
[[nodiscard]] enumeration enumerate_traces(const format::scenario& sc, const profile& p,
                                           std::size_t limit = 1000);

}  // namespace aioconform::model
