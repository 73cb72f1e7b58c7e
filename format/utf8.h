#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aioconform::format {

/// The number of code points in `text`, which must be valid UTF-8 (as every string that
/// nlohmann::json parsed is). "Characters" in the format limits are code points.
[[nodiscard]] std::size_t utf8_length(std::string_view text);

/// `text` with every byte that is not part of a valid UTF-8 sequence, and every ASCII
/// control character, replaced by `?`: safe to embed in a message or a JSON string.
[[nodiscard]] std::string printable_utf8(std::string_view text);

}  // namespace aioconform::format
