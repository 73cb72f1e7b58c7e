#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace aioconform::cli {

/// The first line where two canonical documents differ (1-based). A side that ended
/// before that line shows "(end of file)". Canonical traces put one event per line, so
/// this line is usually the first event that changed.
struct line_difference {
  std::size_t line = 0;
  std::string golden;
  std::string now;
};

std::optional<line_difference> first_differing_line(std::string_view golden, std::string_view now);

/// For people: "first difference at line N:" then the golden and the new line (without their
/// indentation), each on its own line indented by `indent` spaces; or a note when the two
/// documents differ only in their final newline.
std::string describe_line_difference(std::string_view golden, std::string_view now,
                                     std::size_t indent);

/// The first place where two traces behave differently, walking both in canonical order
/// (keys sorted, arrays by index) and ignoring the top-level `runtime` object, which only
/// says who produced the trace.
struct behaviour_difference {
  std::string where;  // e.g. "events[3].outcome.exception.type"
  std::string a;      // the value there in the first trace, canonical JSON, or "(absent)"
  std::string b;
  // When the difference is inside an element of `events` or `reports`: that whole element
  // on each side, so a reader sees the event around the field; "(absent)" when missing.
  std::optional<std::string> element_a;
  std::optional<std::string> element_b;
};

std::optional<behaviour_difference> first_behaviour_difference(const nlohmann::json& a,
                                                               const nlohmann::json& b);

/// For people: "first difference at WHERE:" then each side's value labelled `label_a` and
/// `label_b`, and the whole event (or report) around it when there is one; every line after
/// the first indented by `indent` spaces.
std::string describe_behaviour_difference(const behaviour_difference& found,
                                          const std::string& label_a, const std::string& label_b,
                                          std::size_t indent);

/// Why a re-run trace is not its golden, for `replay`: says first when the runtime itself
/// changed (another interpreter version, loop or task implementation than the one that
/// recorded the golden), then the first behaviour difference, or that behaviour is the same
/// and only the runtime's identity differs. Falls back to the first differing line when the
/// golden is not JSON.
std::string describe_golden_difference(std::string_view golden_text, const nlohmann::json& now,
                                       std::string_view now_text, std::size_t indent);

}  // namespace aioconform::cli
