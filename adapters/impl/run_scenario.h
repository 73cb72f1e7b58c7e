#pragma once

// asyncio.run(main()) on the reference runtime (impl/), in-process: the scenario's trace,
// as the Python adapter records it on CPython (spec/formats/trace.md).

#include <nlohmann/json.hpp>

#include "format/scenario.h"

namespace aioconform::impl_runtime {

/// The trace's `runtime` object: the reference runtime follows CPython 3.13's asyncio, so
/// its version is 3.13.0 and the model judges it under profile 3.13.
[[nodiscard]] nlohmann::json runtime_object();

/// Runs `sc` as asyncio.run does: main as a task until done (run.main), then the shutdown
/// (leftover tasks cancelled and awaited, their exceptions reported as events of task
/// "(loop)"), then two trivial tasks (shutdown_asyncgens, shutdown_default_executor). The
/// trace's `futures` are read without retrieving anything; `reports` are the loop's
/// exception-handler calls made while the run's objects are released, sorted by canonical
/// JSON. A run in which nothing can run any more ends "hang", with the states then and no
/// reports. Throws scenario_error when the scenario cannot be interpreted.
[[nodiscard]] nlohmann::json run_scenario(const format::scenario& sc);

}  // namespace aioconform::impl_runtime
