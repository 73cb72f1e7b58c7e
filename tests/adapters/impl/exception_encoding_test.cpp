#include "adapters/impl/exception_encoding.h"

#include <gtest/gtest.h>

#include "format/python_repr.h"
#include "impl/error.h"
#include "impl/task_group.h"

namespace aioconform::impl_runtime {
namespace {

TEST(exception_encoding, builtins_keep_their_bare_name) {
  auto e = std::make_exception_ptr(impl::error("ValueError", "boom"));
  EXPECT_EQ(encode_exception(e), (nlohmann::json{{"type", "ValueError"}, {"message", "boom"}}));
  EXPECT_EQ(exception_outcome(e)["exception"]["type"], "ValueError");
}

TEST(exception_encoding, cancelled_error_is_an_outcome_of_its_own_and_qualified_as_a_value) {
  auto e = std::make_exception_ptr(impl::cancelled_error("bye"));
  EXPECT_EQ(exception_outcome(e), (nlohmann::json{{"cancelled", {{"message", "bye"}}}}));
  EXPECT_EQ(encode_exception(e)["type"], "asyncio.exceptions.CancelledError");
}

TEST(exception_encoding, exception_groups_list_their_members_in_order) {
  auto a = std::make_exception_ptr(impl::error("ValueError", "a"));
  auto b = std::make_exception_ptr(impl::error("KeyError", "'b'"));
  auto g = std::make_exception_ptr(
      impl::exception_group_error("unhandled errors in a TaskGroup", {a, b}));
  nlohmann::json encoded = encode_exception(g);
  EXPECT_EQ(encoded["type"], "ExceptionGroup");
  ASSERT_EQ(encoded["exceptions"].size(), 2U);
  EXPECT_EQ(encoded["exceptions"][1]["message"], "'b'");
}

TEST(exception_encoding, python_repr_quotes_as_python_does) {
  EXPECT_EQ(format::python_repr("x"), "'x'");
  EXPECT_EQ(format::python_repr("it's"), "\"it's\"");
  EXPECT_EQ(format::python_repr("a'\"b"), "'a\\'\"b'");
  EXPECT_EQ(format::python_repr("\n\x01"), "'\\n\\x01'");
}

}  // namespace
}  // namespace aioconform::impl_runtime
