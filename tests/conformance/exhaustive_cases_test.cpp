// exhaustive_cases: the enumeration is complete (every combinator option, child behaviour
// and cancellation instant appears), duplicate-free, valid for the format and the model,
// and its bounds parse with clear errors.

#include "conformance/exhaustive_cases.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "format/scenario_codec.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"

namespace aioconform::conformance {
namespace {

TEST(exhaustive_cases, bounds_parse_with_defaults_and_clear_errors) {
  const exhaustive_bounds d = parse_exhaustive_bounds("default");
  EXPECT_EQ(d.children, 2);
  EXPECT_EQ(d.instants, 3);
  EXPECT_TRUE(d.cancel);
  const exhaustive_bounds b = parse_exhaustive_bounds("children=1,instants=2,cancel=0");
  EXPECT_EQ(b.children, 1);
  EXPECT_EQ(b.instants, 2);
  EXPECT_FALSE(b.cancel);
  EXPECT_TRUE(b.tasks);
  try {
    (void)parse_exhaustive_bounds("children=9");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("children: expected an integer in 1..3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)parse_exhaustive_bounds("depth=2"), std::invalid_argument);
  EXPECT_THROW((void)parse_exhaustive_bounds("children"), std::invalid_argument);
}

TEST(exhaustive_cases, the_count_is_the_product_of_the_axes) {
  // children=1, instants=1, no cancel, no tasks: 4 behaviours per child (result, exception,
  // CancelledError at instant 0, hang) times 16 combinator variants (gather x2, wait 3x2,
  // as_completed x2, wait_any x2, wait_for x2, shield, task_group).
  EXPECT_EQ(
      exhaustive_case_count(parse_exhaustive_bounds("children=1,instants=1,cancel=0,tasks=0")),
      4u * 16u);
  // Cancelling at the one instant doubles it; tasks double all but TaskGroup's.
  EXPECT_EQ(
      exhaustive_case_count(parse_exhaustive_bounds("children=1,instants=1,cancel=1,tasks=0")),
      2u * 4u * 16u);
  EXPECT_EQ(
      exhaustive_case_count(parse_exhaustive_bounds("children=1,instants=1,cancel=0,tasks=1")),
      4u * (2u * 15u + 1u));
}

TEST(exhaustive_cases, every_case_is_distinct_valid_and_simulates) {
  const exhaustive_bounds b = parse_exhaustive_bounds("children=2,instants=2,cancel=1,tasks=1");
  const std::uint64_t n = exhaustive_case_count(b);
  std::set<std::string> seen, kinds, options;
  for (std::uint64_t i = 0; i < n; ++i) {
    const nlohmann::json doc = exhaustive_case(b, i);
    ASSERT_TRUE(seen.insert(doc["main"].dump() + doc["scripts"].dump()).second) << "case " << i;
    const format::scenario sc = format::parse_scenario(doc, doc["name"]);
    ASSERT_NO_THROW((void)model::simulate(sc, model::profile{12, false})) << doc.dump();
    for (const auto& step : doc["main"]["steps"]) {
      if (step.contains("expr")) {
        kinds.insert(step["expr"]["kind"]);
        options.insert(step["expr"].value("return_when", std::string("-")));
      }
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"as_completed", "gather", "shield", "task_group", "wait",
                                          "wait_any", "wait_for"}));
  EXPECT_EQ(options,
            (std::set<std::string>{"-", "ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"}));
  EXPECT_THROW((void)exhaustive_case(b, n), std::out_of_range);
}

}  // namespace
}  // namespace aioconform::conformance
