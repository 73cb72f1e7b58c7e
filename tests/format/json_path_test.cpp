#include "format/json_path.h"

#include <gtest/gtest.h>

namespace aioconform::format {
namespace {

TEST(json_path, root_is_the_empty_pointer) {
  EXPECT_EQ(json_path().str(), "");
  EXPECT_TRUE(json_path().is_root());
}

TEST(json_path, members_and_indices_append_segments) {
  const json_path at = json_path() / "main" / "steps" / std::size_t{3} / "expr";
  EXPECT_EQ(at.str(), "/main/steps/3/expr");
  EXPECT_FALSE(at.is_root());
}

TEST(json_path, escapes_tilde_and_slash_as_rfc6901_says) {
  EXPECT_EQ((json_path() / "a/b" / "c~d" / "").str(), "/a~1b/c~0d/");
}

TEST(json_path, compares_by_pointer) {
  EXPECT_EQ(json_path() / "x" / std::size_t{0}, json_path() / "x" / std::size_t{0});
  EXPECT_NE(json_path() / "x" / std::size_t{0}, json_path() / "x" / "0~");
}

}  // namespace
}  // namespace aioconform::format
