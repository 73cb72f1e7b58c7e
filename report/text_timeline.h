#pragma once

// Timelines as plain text for a terminal: one column per task (lane), one row per event,
// virtual time down the left, each row saying what happened and, in brackets, the clause
// that decided it. Rows never exceed the width asked for (descriptions are clipped).
//
//      t  A B C  event                                   clause
//      0  o      main starts                             [run.main]
//      0  > |    await gather(a(), b())                  [gather.future]

#include <cstddef>
#include <optional>
#include <string>

#include "report/timeline.h"

namespace aioconform::report {

/// Renders `tl`; every line is at most `width` characters (ASCII only).
[[nodiscard]] std::string render_text(const timeline& tl, std::size_t width = 100);

/// Renders two timelines of the same scenario one after the other, with `difference` (the
/// first event where they differ; see first_event_difference) marked ">>" in both.
[[nodiscard]] std::string render_text_pair(timeline a, timeline b,
                                           std::optional<std::size_t> difference,
                                           std::size_t width = 100);

}  // namespace aioconform::report
