#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace aioconform::format {

/// The deepest nesting of arrays and objects that the reader accepts. A guard against
/// hostile input only: the formats' own limits are far lower.
inline constexpr std::size_t max_json_nesting = 256;

/// Parses `text` as one strict JSON document (RFC 8259: no comments, no trailing commas,
/// valid UTF-8; a leading UTF-8 byte-order mark is skipped).
///
/// Throws format_error naming `origin` when the text is not JSON (the reason gives the
/// line and column), when an object has the same key twice (the path names the second
/// occurrence: JSON parsers disagree on which one wins, so the formats forbid it), or when
/// nesting exceeds max_json_nesting.
[[nodiscard]] nlohmann::json parse_json_text(std::string_view text, const std::string& origin);

/// Reads and parses the JSON file at `path`, as parse_json_text with the file's name as
/// origin. Throws format_error when the file cannot be read.
[[nodiscard]] nlohmann::json load_json_file(const std::filesystem::path& path);

}  // namespace aioconform::format
