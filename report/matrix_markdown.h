#pragma once

// The matrix as GitHub-flavoured Markdown: one table per clause family (rows clauses,
// columns runtimes; "ok N", "dev N" / "DEV N" for known / unexplained deviations, "n/a"),
// then the counterexamples with their text timelines.

#include <string>

#include "report/conformance_matrix.h"

namespace aioconform::report {

[[nodiscard]] std::string matrix_to_markdown(const conformance_matrix& m);

/// A cell in a few characters: "ok 12", "dev 1", "DEV 2", "n/a", "-".
[[nodiscard]] std::string cell_label(const conformance_matrix& m, const std::string& clause,
                                     const std::string& runtime);

}  // namespace aioconform::report
