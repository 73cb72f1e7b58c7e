// Judges traces of one scenario with aioconform's model, in-process: the first must be
// accepted, the second rejected. Exit 0 when both verdicts are as expected.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/scenario_codec.h"
#include "spec/model/check.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: check_trace SCENARIO GOOD-TRACE BAD-TRACE\n");
    return 2;
  }
  namespace model = aioconform::model;
  const aioconform::format::scenario scenario = aioconform::format::load_scenario(argv[1]);
  const model::profile profile = model::latest_profile;
  bool as_expected = true;
  for (int i = 2; i < 4; ++i) {
    const nlohmann::json trace = nlohmann::json::parse(std::ifstream(argv[i]));
    const model::verdict v = model::check(scenario, trace, profile);
    std::printf("%s: %s\n", argv[i],
                v.accepted ? "accepted" : ("rejected: " + v.explanation).c_str());
    as_expected = as_expected && v.accepted == (i == 2);
  }
  return as_expected ? 0 : 1;
}
