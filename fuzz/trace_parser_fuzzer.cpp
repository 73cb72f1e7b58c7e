// libFuzzer target: bytes -> strict JSON reader -> aioconform.trace/1 validation.
// Any input must be accepted or end in a format_error.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/format_error.h"
#include "format/json_file.h"
#include "format/trace_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto doc = aioconform::format::parse_json_text(text, "fuzz.json");
    aioconform::format::validate_trace(doc, "fuzz.json");
  } catch (const aioconform::format::format_error&) {
  }
  return 0;
}
