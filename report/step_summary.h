#pragma once

// Short, Python-like summaries of scenario steps and outcomes for timelines:
// "await gather(flaky0, flaky1, flaky2)", "sleep(1)", "raised ValueError('boom')".

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aioconform::report {

/// The step at path `at` ("2", or "3.0" for step 0 inside step 3's block or task group body)
/// of `task`'s script in the scenario document; null when it cannot be found (for example,
/// the task of an expression child).
[[nodiscard]] const nlohmann::json* find_step(const nlohmann::json& scenario, std::string_view task,
                                              std::string_view at);

/// A step as Python-like text: "sleep(1)", "await wait_for(slow, 2)", "b.cancel()".
[[nodiscard]] std::string summarize_step(const nlohmann::json& step);

/// A combinator expression as text: "gather(a, b, return_exceptions=True)".
[[nodiscard]] std::string summarize_expression(const nlohmann::json& expr);

/// An outcome ({"result":…}, {"exception":…}, {"cancelled":…}) as text: "-> 3",
/// "raised ValueError('boom')", "cancelled('msg')".
[[nodiscard]] std::string summarize_outcome(const nlohmann::json& outcome);

/// `text` cut to at most `width` characters, ending in "..." when cut.
[[nodiscard]] std::string clip(std::string text, std::size_t width);

}  // namespace aioconform::report
