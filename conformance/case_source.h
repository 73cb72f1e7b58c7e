#pragma once

// case_source: the random scenarios of a live conformance run. Case K of seed S is always
// the same scenario (so a shard, a re-run or `--case K` reproduces it exactly), drawn from
// the RapidCheck generators the model's properties use, realized for the runtime's version
// profile, and shrinkable.

#include <rapidcheck.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "format/scenario.h"
#include "spec/model/profile.h"

namespace aioconform::conformance {

/// One case: the scenario document, parsed; named "check/case-K".
struct live_case {
  nlohmann::json document;
  format::scenario scenario;
};

/// Case `index` of `seed` for `profile`, with its shrinks.
[[nodiscard]] rc::Shrinkable<live_case> make_case(std::uint64_t seed, std::uint64_t index,
                                                  const model::profile& profile);

}  // namespace aioconform::conformance
