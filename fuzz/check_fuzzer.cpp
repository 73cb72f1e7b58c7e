// libFuzzer target: the model's judgement, check(scenario, trace), on a document
// {"scenario": SCENARIO, "trace": TRACE}. Only inputs whose two halves pass their
// validating parsers reach check, as in aioconform itself; check must then give a verdict
// or a scenario_error, within a bounded number of schedules.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/format_error.h"
#include "format/json_file.h"
#include "format/scenario_codec.h"
#include "format/trace_codec.h"
#include "spec/model/check.h"
#include "spec/model/profile.h"
#include "spec/model/world.h"

namespace {

// Few schedules keep each input fast; the bound itself is what is under test, not its size.
constexpr std::size_t max_schedules = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace format = aioconform::format;
  namespace model = aioconform::model;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto doc = format::parse_json_text(text, "fuzz.json");
    if (!doc.is_object() || !doc.contains("scenario") || !doc.contains("trace")) return 0;
    const format::scenario sc = format::parse_scenario(doc["scenario"], "fuzz.json");
    const auto& trace = doc["trace"];
    format::validate_trace(trace, "fuzz.json");
    const auto profile = model::profile_of_runtime(trace["runtime"]);
    [[maybe_unused]] const auto verdict =
        model::check(sc, trace, profile.value_or(model::latest_profile), max_schedules);
  } catch (const format::format_error&) {
  } catch (const model::scenario_error&) {
  }
  return 0;
}
