#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aioconform::format {

/// The deepest nesting of arrays and objects a trace value may have (a guard; the scenario
/// limits keep real traces far below it).
inline constexpr std::size_t max_trace_value_nesting = 64;

/// Checks that `doc` is a well-formed `aioconform.trace/1` document (spec/formats/trace.md).
///
/// Structural only: the format string; the top-level fields (`runtime.name` may be absent,
/// as in an adapter's response, where aioconform fills it in later); every event's `t`,
/// `task` and `ev` and the fields of its kind (an unknown `ev` fails naming the kind);
/// outcome shapes (exactly one of `result`, `exception`, `cancelled`); value encodings
/// (`$exception`, `$future`, `$set`, no floats); `futures` entries; `reports`. It checks
/// the orders the format prescribes (`$set` elements and `reports` sorted by canonical
/// JSON) and the shape `end` implies (`unsupported`: missing features listed, no events,
/// futures or reports; otherwise `futures.main` present and `missing` empty). Whether the
/// events make sense is the trace checker's business, not this function's.
///
/// Throws format_error(file, JSON path, reason) at the first violation.
void validate_trace(const nlohmann::json& doc, const std::string& file);

/// load_json_file, then validate_trace; returns the document.
[[nodiscard]] nlohmann::json load_trace(const std::filesystem::path& path);

}  // namespace aioconform::format
