#include "impl/exception_access.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "impl/error.h"
#include "impl/task_group.h"

namespace aioconform::impl {
namespace {

// The address a handler binds, for comparison: the same object must come out both ways.
template <class E>
const E* caught_as(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const E& x) {
    return &x;
  } catch (...) {
    return nullptr;
  }
}

TEST(exception_as, gives_the_held_object_itself) {
  std::exception_ptr e = std::make_exception_ptr(cancelled_error("stop"));
  const error* x = exception_as<error>(e);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->type_name(), "CancelledError");
  EXPECT_EQ(x->message(), "stop");
  EXPECT_EQ(x, caught_as<error>(e));
  EXPECT_EQ(exception_as<cancelled_error>(e), caught_as<cancelled_error>(e));
}

TEST(exception_as, adjusts_to_a_base_at_a_nonzero_offset) {
  // A second base sits after the first: the pointer must move as a handler's would.
  struct tagged {
    virtual ~tagged() = default;
    int tag = 7;
  };
  struct both : std::runtime_error, tagged {
    both() : std::runtime_error("both") {}
  };
  std::exception_ptr e = std::make_exception_ptr(both());
  const tagged* t = exception_as<tagged>(e);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->tag, 7);
  EXPECT_EQ(t, caught_as<tagged>(e));
  EXPECT_NE(static_cast<const void*>(t), static_cast<const void*>(exception_as<both>(e)));
  EXPECT_STREQ(exception_as<std::exception>(e)->what(), "both");
}

TEST(exception_as, null_when_a_handler_would_not_catch) {
  std::exception_ptr value_error = std::make_exception_ptr(error("ValueError", "v"));
  EXPECT_EQ(exception_as<cancelled_error>(value_error), nullptr);
  EXPECT_EQ(exception_as<exception_group_error>(value_error), nullptr);
  EXPECT_EQ(exception_as<error>(std::make_exception_ptr(std::runtime_error("r"))), nullptr);
  EXPECT_EQ(exception_as<error>(std::make_exception_ptr(42)), nullptr);
  EXPECT_EQ(exception_as<std::exception>(std::make_exception_ptr("text")), nullptr);
  EXPECT_EQ(exception_as<error>(nullptr), nullptr);
}

TEST(exception_as, sees_an_exception_caught_by_current_exception) {
  std::exception_ptr e;
  try {
    throw invalid_state_error("late");
  } catch (...) {
    e = std::current_exception();
  }
  const auto* x = exception_as<invalid_state_error>(e);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->message(), "late");
  EXPECT_EQ(x, caught_as<invalid_state_error>(e));
}

}  // namespace
}  // namespace aioconform::impl
