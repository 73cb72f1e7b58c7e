// live_judge: shrinking a failure ends by dropping the scripts its main no longer reaches,
// but only if the case still fails without them.

#include "conformance/live_judge.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "format/scenario_codec.h"

namespace aioconform::conformance {
namespace {

using nlohmann::json;

// main starts s0, which starts s1; s2 is reached by nobody.
live_case case_with_an_unused_script() {
  json doc = json::parse(R"({
    "format": "aioconform.scenario/1", "name": "check/case-1", "description": "d",
    "clauses": [], "requires": [],
    "main": {"steps": [{"op": "create_task", "as": "h0", "script": "s0"},
                       {"op": "sleep", "d": 1}]},
    "scripts": {
      "s0": {"steps": [{"op": "create_task", "as": "h1", "script": "s1"}]},
      "s1": {"steps": [{"op": "return", "value": 1}]},
      "s2": {"steps": [{"op": "sleep", "d": 2}, {"op": "return", "value": 2}]}
    }
  })");
  return live_case{doc, format::parse_scenario(doc, "case.json")};
}

judged_case failing() {
  judged_case j;
  j.outcome = case_outcome::nonconformance;
  return j;
}

TEST(shrink_failure, drops_the_scripts_main_no_longer_reaches_when_the_case_still_fails) {
  const live_case c = case_with_an_unused_script();
  int runs = 0;
  shrunk_case s = shrink_failure(
      rc::Shrinkable<live_case>(rc::shrinkable::just(c)), failing(),
      [&](const live_case&) {
        ++runs;
        return failing();
      },
      10);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(s.steps, 1u);
  const json& scripts = s.value.document.at("scripts");
  EXPECT_TRUE(scripts.contains("s0"));
  EXPECT_TRUE(scripts.contains("s1"));  // reached through s0
  EXPECT_FALSE(scripts.contains("s2"));
  EXPECT_EQ(s.value.scenario.scripts.size(), 2u);
}

TEST(shrink_failure, keeps_the_scripts_if_the_case_passes_without_them) {
  const live_case c = case_with_an_unused_script();
  shrunk_case s = shrink_failure(
      rc::Shrinkable<live_case>(rc::shrinkable::just(c)), failing(),
      [](const live_case&) { return judged_case{}; }, 10);
  EXPECT_EQ(s.steps, 0u);
  EXPECT_TRUE(s.value.document.at("scripts").contains("s2"));
}

}  // namespace
}  // namespace aioconform::conformance
