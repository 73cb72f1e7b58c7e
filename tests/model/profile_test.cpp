#include "spec/model/profile.h"

#include <gtest/gtest.h>

namespace aioconform::model {
namespace {

TEST(Profile, ParsesEveryVersionAndTheEagerOnes) {
  for (int minor = 8; minor <= 13; ++minor) {
    auto p = parse_profile("3." + std::to_string(minor));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->minor, minor);
    EXPECT_FALSE(p->eager);
  }
  auto eager = parse_profile("3.12-eager");
  ASSERT_TRUE(eager);
  EXPECT_TRUE(eager->eager);
  EXPECT_EQ(eager->name(), "3.12-eager");
}

TEST(Profile, RejectsWhatNoCPythonHas) {
  EXPECT_FALSE(parse_profile("3.7"));
  EXPECT_FALSE(parse_profile("3.14"));
  EXPECT_FALSE(parse_profile("3.11-eager"));  // the eager factory is 3.12+
  EXPECT_FALSE(parse_profile("3.12x"));
  EXPECT_FALSE(parse_profile(""));
}

TEST(Profile, FollowsTheRuntimeVersionAndFactory) {
  auto p = profile_of_runtime({{"version", "3.12.1"}, {"task_factory", "eager"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name(), "3.12-eager");
  auto pypy = profile_of_runtime({{"version", "3.9.16"}, {"task_factory", "default"}});
  ASSERT_TRUE(pypy);
  EXPECT_EQ(pypy->name(), "3.9");
  EXPECT_FALSE(profile_of_runtime({{"version", "2.7.18"}}));
}

}  // namespace
}  // namespace aioconform::model
