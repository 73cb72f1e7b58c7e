#pragma once

// python_repro: a finding as a standalone asyncio program. A runtime author who does not
// run aioconform can read it and run it (python3 repro.py) to see the difference: the
// scenario's scripts become `async def`s, its combinators real `asyncio.gather(...)`,
// `asyncio.wait(...)`, ... calls, and a small virtual clock (inlined, standard library
// only, Python 3.8-3.13 and PyPy 3.9) makes the run instant and the same every time. It
// prints what happened, one line per notable event ("[t=1] fails#1: exit, raised
// ValueError: boom"), then what aioconform's model of asyncio expected.

#include <nlohmann/json.hpp>
#include <string>

namespace aioconform::conformance {

/// The Python program for `scenario` (a valid aioconform.scenario/1 document).
/// `expectation` is what the model said (the verdict's explanation); it is quoted in the
/// program's header and printed at the end of its run.
[[nodiscard]] std::string python_repro(const nlohmann::json& scenario,
                                       const std::string& expectation);

/// How the program prints an outcome (a trace's {"result": V} | {"exception": {...}} |
/// {"cancelled": {...}}), so that its lines can be compared with a trace: "returned 'ok'",
/// "raised ValueError: boom", "cancelled", "cancelled: bye". A result that holds a task,
/// a set or an exception is only "returned".
[[nodiscard]] std::string python_repro_outcome(const nlohmann::json& outcome);

}  // namespace aioconform::conformance
