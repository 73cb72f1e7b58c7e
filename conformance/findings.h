#pragma once

// The findings folder: every nonconformance a check run finds is saved, never overwriting
// an earlier one, as
//   DIR/<runtime>/<case>/scenario.json     the (shrunk) scenario
//   DIR/<runtime>/<case>/trace.json        what the runtime did
//   DIR/<runtime>/<case>/model-trace.json  a trace the model allows for it (seed 0)
//   DIR/<runtime>/<case>/repro.py          the scenario as a standalone asyncio program
//                                          (conformance/python_repro.h)
//   DIR/<runtime>/<case>/verdict.txt       the clause, the place, allowed vs observed, and
//                                          the commands that reproduce it

#include <filesystem>
#include <string>

#include "conformance/live_judge.h"

namespace aioconform::conformance {

/// Writes one finding; returns its folder (a fresh one: "case-7", else "case-7.2", ...).
std::filesystem::path write_finding(const std::filesystem::path& dir, const std::string& runtime,
                                    const std::string& case_name, const live_case& c,
                                    const judged_case& judged, const model::profile& profile,
                                    const std::string& reproduce);

}  // namespace aioconform::conformance
