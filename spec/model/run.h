#pragma once

// asyncio.run(main()) on the model, as the adapter runs it: the main task, the shutdown
// (cancel and gather the leftover tasks, report their exceptions), then the final states and
// the never-retrieved reports (SPEC.md §10).

#include <nlohmann/json.hpp>
#include <string>

#include "format/scenario.h"
#include "spec/model/profile.h"
#include "spec/model/world.h"

namespace aioconform::model {

/// A run's result besides its events: the trace's `end`, `futures` and `reports`.
struct run_result {
  std::string end;  ///< "completed" or "hang"
  nlohmann::json futures;
  nlohmann::json reports;
  nlohmann::json future_clauses;  ///< name -> the clause of the transition that decided it
  /// Names of the futures still pending when the loop stopped (run.stop): whatever they
  /// became, the shutdown decided it.
  std::vector<std::string> pending_at_stop;
};

/// Runs `sc` under profile `p`, sending events to `sink` and asking `choices` at open
/// choices. Throws scenario_error when the scenario cannot be interpreted.
run_result run_scenario(const format::scenario& sc, const profile& p, event_sink& sink,
                        chooser& choices);

}  // namespace aioconform::model
