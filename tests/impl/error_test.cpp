#include "impl/error.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace aioconform::impl {
namespace {

TEST(error, keeps_python_type_name_and_message) {
  error e("ValueError", "bad");
  EXPECT_EQ(e.type_name(), "ValueError");
  EXPECT_EQ(e.message(), "bad");
  EXPECT_STREQ(e.what(), "ValueError: bad");
  EXPECT_STREQ(error("KeyError", "").what(), "KeyError");
}

TEST(describe, recovers_type_name_and_message_from_exception_ptr) {
  error_info info = describe(std::make_exception_ptr(cancelled_error("stop")));
  EXPECT_EQ(info.type_name, "CancelledError");
  EXPECT_EQ(info.message, "stop");
  info = describe(std::make_exception_ptr(std::runtime_error("boom")));
  EXPECT_EQ(info.type_name, "Exception");
  EXPECT_EQ(info.message, "boom");
}

TEST(is_cancelled_error, only_for_cancelled_error) {
  EXPECT_TRUE(is_cancelled_error(std::make_exception_ptr(cancelled_error())));
  EXPECT_FALSE(is_cancelled_error(std::make_exception_ptr(error("CancelledErrorX", ""))));
  EXPECT_FALSE(is_cancelled_error(nullptr));
}

}  // namespace
}  // namespace aioconform::impl
