#pragma once

// The matrix as JSON (aioconform.matrix/1) for tools: runtimes, one row per clause with a
// cell per runtime (status and counts, counterexample indices), and the counterexamples.

#include <nlohmann/json.hpp>

#include "report/conformance_matrix.h"

namespace aioconform::report {

[[nodiscard]] nlohmann::json matrix_to_json(const conformance_matrix& m);

}  // namespace aioconform::report
