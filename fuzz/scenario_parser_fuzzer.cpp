// libFuzzer target: bytes -> strict JSON reader -> aioconform.scenario/1 validation.
// Any input must end in a scenario or a format_error; anything else (a crash, another
// exception, a sanitizer report, a hang) is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/format_error.h"
#include "format/json_file.h"
#include "format/scenario_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto doc = aioconform::format::parse_json_text(text, "fuzz.json");
    [[maybe_unused]] const auto parsed = aioconform::format::parse_scenario(doc, "fuzz.json");
  } catch (const aioconform::format::format_error&) {
  }
  return 0;
}
