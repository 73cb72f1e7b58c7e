#pragma once

// The matrix as one self-contained HTML page (inline CSS, a few lines of inline script, SVG
// timelines; nothing fetched from anywhere): a summary per runtime, the clause-by-runtime
// table grouped by family, each deviation linking to its counterexample with its timeline.

#include <string>

#include "report/conformance_matrix.h"

namespace aioconform::report {

[[nodiscard]] std::string matrix_to_html(const conformance_matrix& m);

}  // namespace aioconform::report
