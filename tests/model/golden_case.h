#pragma once

// Loads a golden scenario and one of its recorded traces for model tests.

#include <nlohmann/json.hpp>
#include <string>

#include "format/json_file.h"
#include "format/scenario.h"
#include "format/scenario_codec.h"

namespace aioconform::model::testing {

inline std::string golden_dir() {
  return std::string(AIOCONFORM_SOURCE_DIR) + "/golden";
}

inline format::scenario golden_scenario(const std::string& name) {
  return format::load_scenario(golden_dir() + "/scenarios/" + name + ".json");
}

inline nlohmann::json golden_trace(const std::string& runtime, const std::string& name) {
  return format::load_json_file(golden_dir() + "/traces/" + runtime + "/" + name + ".json");
}

}  // namespace aioconform::model::testing
