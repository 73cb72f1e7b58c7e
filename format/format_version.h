#pragma once

#include <string_view>

namespace aioconform::format {

/// The `format` field of a scenario document (spec/formats/scenario.md).
inline constexpr std::string_view scenario_format = "aioconform.scenario/1";

/// The `format` field of a trace document (spec/formats/trace.md).
inline constexpr std::string_view trace_format = "aioconform.trace/1";

/// The `protocol` field of an adapter's greeting line (docs/adapter-protocol.md).
inline constexpr std::string_view adapter_protocol = "aioconform.adapter/1";

}  // namespace aioconform::format
