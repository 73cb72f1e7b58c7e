#pragma once

// RapidCheck generators of random, valid scenarios (spec/formats/scenario.md) and version
// profiles, for the model's properties.
//
// A scenario is generated in two stages so that every shrink is still a valid scenario:
//  1. a *draft*: the scenario's shape as a JSON-like tree (properties/draft.h, cheap to
//     copy), where every handle or script reference is an abstract integer and every `as`
//     a boolean. Drafts are built from rc::gen combinators only, so RapidCheck shrinks them
//     structurally (fewer steps, fewer children, smaller durations, earlier alternatives).
//  2. `realize`: turns a draft into an `aioconform.scenario/1` document, resolving each
//     reference against what is bound at that point. A step whose reference cannot be
//     resolved is dropped, so a shrink that removes a binding step never makes a later step
//     refer to an unbound handle.
//
// Reference safety (why the model should never throw scenario_error on these): a step may
// only name a handle bound by an EARLIER top-level step of main: main's create_task/future
// `as`, or the `as` of a script child written directly in the expression of an earlier
// top-level `future` (gather, shield) or `await` (gather, shield, as_completed, and
// task_group except under the eager factory) step, whose tasks exist once that step has
// begun. Children of `wait`, `wait_any` and `wait_for` are never counted: from 3.11 `wait` refuses
// coroutines without wrapping them, and from 3.12 `wait_for` runs one inline, so their handles may
// never be bound. Scripts other than main bind and name no handles (a script may run several
// times), and script i only starts scripts j > i, so nothing recurses.

#include <rapidcheck.h>

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "format/scenario.h"
#include "properties/draft.h"
#include "spec/model/profile.h"

namespace aioconform::properties {

/// One generated test input: a scenario document, its parsed form and the profile to run
/// it under.
struct generated_scenario {
  nlohmann::json document;           ///< the aioconform.scenario/1 document (valid)
  format::scenario scenario;         ///< parse_scenario(document)
  model::profile profile;            ///< the profile to judge by
  std::vector<std::string> missing;  ///< features the scenario uses that `profile` lacks, sorted
};

/// Prints the profile and the canonical scenario document: RapidCheck shows this in a
/// counterexample, so it can be saved as a .json file and run with `aioconform`.
void showValue(const generated_scenario& value, std::ostream& os);

/// Every profile: 3.8 ... 3.13, and 3.12-eager, 3.13-eager.
[[nodiscard]] rc::Gen<model::profile> gen_profile();

/// A draft (stage 1 above).
[[nodiscard]] rc::Gen<draft> gen_scenario_draft();

/// Stage 2: the scenario document of draft `d` for `profile`. Unless the draft asks to ignore
/// the profile (`"respect_features": false`, about one draft in eight), elements that need a
/// feature the profile lacks are dropped (timeout steps, task_group expressions) or
/// downgraded (a cancel loses its `msg`, `async_for` becomes `for`), so most scenarios run;
/// the rest must be answered `unsupported`.
[[nodiscard]] nlohmann::json realize(const draft& d, const model::profile& profile);

/// A profile and a scenario realized for it, parsed (parse_scenario must accept every
/// realized document; a rejection is a generator bug and throws).
[[nodiscard]] rc::Gen<generated_scenario> gen_scenario();

}  // namespace aioconform::properties
