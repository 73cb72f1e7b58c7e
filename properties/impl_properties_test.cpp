// Properties of the reference runtime (impl/) against the executable model: the trace the
// in-process runner (adapters/impl/run_scenario.h) records for a random scenario is one the
// model allows under profile 3.13, the profile impl follows. The scenarios come from
// properties/scenario_generators.h realized for 3.13, so RapidCheck shrinks a failure to a
// minimal scenario; the counterexample prints it (save it as FILE.json and run
// `aioconform run FILE.json --runtime impl`, or `--runtime cpython-3.13` to compare), the
// impl's trace, the verdict, and the command that replays the case.

#include "properties/gtest_property.h"
// (gtest_property.h first: it includes gtest before RapidCheck.)

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/impl/run_scenario.h"
#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "format/trace_codec.h"
#include "properties/scenario_generators.h"
#include "spec/model/check.h"

namespace aioconform::properties {
namespace {

using json = nlohmann::json;

/// The profile impl's traces are judged by (run_scenario.h: runtime_object).
const model::profile& impl_profile() {
  static const model::profile p = *model::parse_profile("3.13");
  return p;
}

/// A scenario realized for 3.13 (every feature impl has), shrinkable as a draft.
rc::Gen<generated_scenario> gen_impl_scenario() {
  return rc::gen::map(gen_scenario_draft(), [](const draft& d) {
    generated_scenario g;
    g.document = realize(d, impl_profile());
    g.document["name"] = "properties/impl-case";
    g.scenario = format::parse_scenario(g.document, "properties/impl-case");
    g.profile = impl_profile();
    return g;
  });
}

/// check's schedule limit per case, as in model_properties_test.cpp: n timers on one
/// deadline can need n! schedules; a case that meets it is tagged, not counted.
constexpr std::size_t max_schedules = 2000;

/// impl's trace of `g`, validated against trace.md; a throw is a failure of the property.
json run_on_impl(const generated_scenario& g) {
  try {
    json trace = impl_runtime::run_scenario(g.scenario);
    format::validate_trace(trace, "impl trace");
    return trace;
  } catch (const std::exception& e) {
    RC_FAIL(std::string("impl gave no valid trace: ") + e.what());
  }
}

}  // namespace

// impl's trace of a random scenario is accepted by the model under profile 3.13.
AIOCONFORM_PROP(impl_properties, impl_trace_is_accepted_by_model, ()) {
  const generated_scenario g = *gen_impl_scenario();
  const json trace = run_on_impl(g);
  RC_LOG() << "impl trace:\n" << format::canonical_document(trace);
  RC_TAG(trace.at("end").get<std::string>());
  const model::verdict v = model::check(g.scenario, trace, g.profile, max_schedules);
  if (!v.accepted && v.inconclusive) {
    RC_TAG("inconclusive");
    return;
  }
  if (!v.accepted) {
    RC_FAIL("the model rejects impl's trace: clause " + v.clause + " at " + v.where + ": " +
            v.explanation + "\n  allowed: " + v.allowed.dump() +
            "\n  observed: " + v.observed.dump());
  }
}

// impl is deterministic: the same scenario gives byte-equal traces (the model's judgement
// of a trace can only be reproduced if the trace can).
AIOCONFORM_PROP(impl_properties, impl_trace_is_deterministic, ()) {
  const generated_scenario g = *gen_impl_scenario();
  const std::string first = format::canonical_document(run_on_impl(g));
  const std::string second = format::canonical_document(run_on_impl(g));
  RC_ASSERT(first == second);
}

}  // namespace aioconform::properties
