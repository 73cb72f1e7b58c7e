#pragma once

// Timelines as SVG for the HTML page: one horizontal lane per task, events left to right in
// trace order, a tick wherever virtual time advances, each event a coloured dot whose
// tooltip says what happened and the clause that decided it. Self-contained: no fonts,
// scripts or links outside the element.

#include <optional>
#include <string>

#include "report/timeline.h"

namespace aioconform::report {

/// One <svg> element drawing `tl` (its marked event, if any, under a red line).
[[nodiscard]] std::string render_svg(const timeline& tl);

/// Two timelines of one scenario in one <svg>, on the same event columns, with
/// `difference` (the first event where they differ) marked across both.
[[nodiscard]] std::string render_svg_pair(const timeline& a, const timeline& b,
                                          std::optional<std::size_t> difference);

}  // namespace aioconform::report
