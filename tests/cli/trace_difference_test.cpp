#include "cli/trace_difference.h"

#include <gtest/gtest.h>

namespace aioconform::cli {
namespace {

using json = nlohmann::json;

TEST(first_differing_line, finds_the_first_changed_line) {
  const auto found = first_differing_line("a\nb\nc\n", "a\nB\nc\n");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line, 2u);
  EXPECT_EQ(found->golden, "b");
  EXPECT_EQ(found->now, "B");
  EXPECT_EQ(first_differing_line("a\nb\n", "a\nb\n"), std::nullopt);
}

TEST(first_differing_line, a_shorter_side_shows_end_of_file) {
  const auto found = first_differing_line("a\n", "a\nextra\n");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line, 2u);
  EXPECT_EQ(found->golden, "(end of file)");
  EXPECT_EQ(found->now, "extra");
}

json trace(const std::string& runtime, json events) {
  return {{"format", "aioconform.trace/1"},
          {"runtime", {{"name", runtime}, {"version", runtime}}},
          {"end", "completed"},
          {"events", std::move(events)}};
}

TEST(first_behaviour_difference, ignores_the_runtime_object) {
  const json events = json::array({{{"ev", "start"}, {"t", 0}, {"task", "main"}}});
  EXPECT_EQ(first_behaviour_difference(trace("cpython-3.11", events), trace("pypy-3.9", events)),
            std::nullopt);
}

TEST(first_behaviour_difference, names_the_first_differing_field_and_its_event) {
  const json a = trace(
      "a",
      json::array({{{"ev", "start"}, {"t", 0}},
                   {{"ev", "await_end"},
                    {"outcome", {{"exception", {{"type", "asyncio.exceptions.TimeoutError"}}}}},
                    {"t", 1}}}));
  json b = a;
  b["runtime"]["name"] = "b";
  b["events"][1]["outcome"]["exception"]["type"] = "TimeoutError";
  const auto found = first_behaviour_difference(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->where, "events[1].outcome.exception.type");
  EXPECT_EQ(found->a, "\"asyncio.exceptions.TimeoutError\"");
  EXPECT_EQ(found->b, "\"TimeoutError\"");
  ASSERT_TRUE(found->element_a.has_value());
  EXPECT_EQ(*found->element_b,
            R"({"ev":"await_end","outcome":{"exception":{"type":"TimeoutError"}},"t":1})");
}

TEST(first_behaviour_difference, an_extra_event_is_absent_on_the_other_side) {
  const json a = trace("a", json::array({{{"ev", "start"}}}));
  const json b = trace("b", json::array({{{"ev", "start"}}, {{"ev", "exit"}}}));
  const auto found = first_behaviour_difference(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->where, "events[1]");
  EXPECT_EQ(found->a, "(absent)");
  EXPECT_EQ(found->b, R"({"ev":"exit"})");
}

TEST(first_behaviour_difference, events_of_different_kinds_differ_as_wholes) {
  const json a = trace("a", json::array({{{"ev", "start"}, {"task", "w#1"}, {"t", 0}}}));
  const json b =
      trace("b", json::array({{{"at", "0"}, {"ev", "await_end"}, {"task", "main"}, {"t", 0}}}));
  const auto found = first_behaviour_difference(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->where, "events[0]");
  EXPECT_EQ(found->a, R"({"ev":"start","t":0,"task":"w#1"})");
  EXPECT_EQ(found->b, R"({"at":"0","ev":"await_end","t":0,"task":"main"})");
  EXPECT_FALSE(found->element_a.has_value());
}

TEST(first_behaviour_difference, a_differing_top_level_field_has_no_event) {
  json a = trace("a", json::array());
  json b = a;
  b["end"] = "hang";
  const auto found = first_behaviour_difference(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->where, "end");
  EXPECT_FALSE(found->element_a.has_value());
}

}  // namespace
}  // namespace aioconform::cli
