#include "adapters/tail_buffer.h"

#include <gtest/gtest.h>

namespace aioconform::adapters {
namespace {

TEST(tail_buffer, keeps_everything_below_capacity) {
  tail_buffer tail(10);
  tail.append("abc");
  tail.append("def");
  EXPECT_EQ(tail.str(), "abcdef");
  EXPECT_EQ(tail.dropped(), 0u);
}

TEST(tail_buffer, keeps_only_the_last_capacity_bytes) {
  tail_buffer tail(4);
  for (char c = 'a'; c <= 'z'; ++c) tail.append(std::string(1, c));
  EXPECT_EQ(tail.dropped(), 22u);
  EXPECT_EQ(tail.str(), "[... 22 earlier bytes dropped ...]\nwxyz");
}

TEST(tail_buffer, a_single_huge_append_keeps_its_tail) {
  tail_buffer tail(3);
  tail.append("12");
  tail.append("abcdefgh");
  EXPECT_EQ(tail.dropped(), 7u);
  EXPECT_TRUE(tail.str().ends_with("\nfgh"));
}

}  // namespace
}  // namespace aioconform::adapters
