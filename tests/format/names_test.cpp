#include "format/names.h"

#include <gtest/gtest.h>

#include <string>

#include "format/features.h"

namespace aioconform::format {
namespace {

TEST(is_valid_name, accepts_the_documented_pattern) {
  EXPECT_TRUE(is_valid_name("worker"));
  EXPECT_TRUE(is_valid_name("_a.b-c9"));
  EXPECT_TRUE(is_valid_name("main"));
  EXPECT_TRUE(is_valid_name(std::string(64, 'x')));
}

TEST(is_valid_name, rejects_auto_names_and_bad_starts) {
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("worker#1"));
  EXPECT_FALSE(is_valid_name("1worker"));
  EXPECT_FALSE(is_valid_name("-x"));
  EXPECT_FALSE(is_valid_name("a b"));
  EXPECT_FALSE(is_valid_name(std::string(65, 'x')));
}

TEST(is_valid_exception_name, is_a_python_identifier) {
  EXPECT_TRUE(is_valid_exception_name("MyError"));
  EXPECT_TRUE(is_valid_exception_name("_E2"));
  EXPECT_FALSE(is_valid_exception_name("My-Error"));
  EXPECT_FALSE(is_valid_exception_name("my.Error"));
  EXPECT_FALSE(is_valid_exception_name("2E"));
}

TEST(is_valid_scenario_name, is_a_relative_path_of_safe_segments) {
  EXPECT_TRUE(is_valid_scenario_name("gather/child-raises-others-keep-running"));
  EXPECT_TRUE(is_valid_scenario_name("a"));
  EXPECT_TRUE(is_valid_scenario_name("wait/v3.11_bare"));
  EXPECT_FALSE(is_valid_scenario_name(""));
  EXPECT_FALSE(is_valid_scenario_name("/abs"));
  EXPECT_FALSE(is_valid_scenario_name("a//b"));
  EXPECT_FALSE(is_valid_scenario_name("a/"));
  EXPECT_FALSE(is_valid_scenario_name("../up"));
  EXPECT_FALSE(is_valid_scenario_name("a/.hidden"));
  EXPECT_FALSE(is_valid_scenario_name("with space"));
}

TEST(builtin_exception_types, lists_the_documented_builtins) {
  const auto& types = builtin_exception_types();
  EXPECT_EQ(types.size(), 11u);
  EXPECT_TRUE(types.contains("CancelledError"));
  EXPECT_TRUE(types.contains("ZeroDivisionError"));
  EXPECT_FALSE(types.contains("BaseException"));
}

TEST(known_features, lists_the_four_features) {
  EXPECT_EQ(known_features(),
            (std::set<std::string, std::less<>>{"as_completed_async_for", "cancel_message",
                                                "task_group", "timeout"}));
}

}  // namespace
}  // namespace aioconform::format
