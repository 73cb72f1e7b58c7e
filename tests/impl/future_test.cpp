#include "impl/future.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

void record(void* ctx, future_base*) {
  static_cast<std::vector<int>*>(ctx)->push_back(1);
}
void record2(void* ctx, future_base*) {
  static_cast<std::vector<int>*>(ctx)->push_back(2);
}

TEST(future, done_callbacks_are_scheduled_with_call_soon_in_registration_order) {
  event_loop loop;
  future<int> f(loop);
  std::vector<int> calls;
  f.add_done_callback(&record, &calls);
  f.add_done_callback(&record2, &calls);
  f.set_result(7);
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(f.done());
  EXPECT_EQ(f.result(), 7);
  loop.run_once();
  EXPECT_EQ(calls, (std::vector<int>{1, 2}));
}

// Records K in the vector that `ctx` points into (ctx may be up to 7 bytes past it: an
// unaligned context, which the compact first callback cannot hold).
template <int K>
void record_k(void* ctx, future_base*) {
  auto address = reinterpret_cast<std::uintptr_t>(ctx) & ~std::uintptr_t{7};
  reinterpret_cast<std::vector<int>*>(address)->push_back(K);
}

// The first callback lives in one word when it can (future.h); one that cannot (an
// unaligned context, or more distinct functions than the word can index) must keep its
// place in the order all the same, also when the one before it is removed.
TEST(future, callbacks_keep_their_order_whether_or_not_the_first_fits_in_one_word) {
  event_loop loop;
  std::vector<int> calls;
  void* unaligned = reinterpret_cast<char*>(&calls) + 3;
  {
    future<int> f(loop);
    f.add_done_callback(&record_k<1>, unaligned);
    f.add_done_callback(&record_k<2>, &calls);
    f.set_result(0);
    loop.run_once();
    EXPECT_EQ(calls, (std::vector<int>{1, 2}));
  }
  calls.clear();
  {
    // Ten distinct functions: more than the compact word can name.
    future<int> f(loop);
    f.add_done_callback(&record_k<10>, &calls);
    f.add_done_callback(&record_k<11>, &calls);
    f.add_done_callback(&record_k<12>, &calls);
    f.add_done_callback(&record_k<13>, &calls);
    f.add_done_callback(&record_k<14>, &calls);
    f.add_done_callback(&record_k<15>, &calls);
    f.add_done_callback(&record_k<16>, &calls);
    f.add_done_callback(&record_k<17>, unaligned);
    EXPECT_EQ(f.remove_done_callback(&record_k<10>, &calls), 1u);
    EXPECT_EQ(f.remove_done_callback(&record_k<11>, &calls), 1u);
    f.set_result(0);
    loop.run_once();
    EXPECT_EQ(calls, (std::vector<int>{12, 13, 14, 15, 16, 17}));
  }
  calls.clear();
  for (int round = 0; round < 2; ++round) {
    // Whatever slots earlier futures took: each function alone as the first callback.
    future<int> f(loop);
    f.add_done_callback(&record_k<20>, &calls);
    f.add_done_callback(&record_k<21>, &calls);
    EXPECT_EQ(f.remove_done_callback(&record_k<20>, &calls), 1u);
    EXPECT_EQ(f.remove_done_callback(&record_k<21>, &calls), 1u);
    f.add_done_callback(&record_k<22>, unaligned);
    f.add_done_callback(&record_k<23>, &calls);
    f.set_result(0);
    loop.run_once();
  }
  EXPECT_EQ(calls, (std::vector<int>{22, 23, 22, 23}));
}

TEST(future, callback_added_to_done_future_is_scheduled_at_once) {
  event_loop loop;
  future<void> f(loop);
  f.set_result();
  std::vector<int> calls;
  f.add_done_callback(&record, &calls);
  EXPECT_EQ(loop.ready_callbacks(), 1u);
  loop.run_once();
  EXPECT_EQ(calls, std::vector<int>{1});
}

TEST(future, removed_callback_is_not_called) {
  event_loop loop;
  future<int> f(loop);
  std::vector<int> calls;
  f.add_done_callback(&record, &calls);
  EXPECT_EQ(f.remove_done_callback(&record, &calls), 1u);
  f.set_result(1);
  loop.run_once();
  EXPECT_TRUE(calls.empty());
}

TEST(future, callbacks_of_a_done_future_can_no_longer_be_removed) {
  event_loop loop;
  future<int> f(loop);
  std::vector<int> calls;
  f.add_done_callback(&record, &calls);
  f.set_result(1);
  EXPECT_EQ(f.remove_done_callback(&record, &calls), 0u);  // already scheduled
  loop.run_once();
  EXPECT_EQ(calls, std::vector<int>{1});
}

void throw_error(void*, future_base*) {
  throw error("ValueError", "in a done callback");
}

TEST(future, done_callbacks_after_one_that_throws_run_before_anything_queued_later) {
  event_loop loop;
  future<int> f(loop);
  std::vector<int> calls;
  f.add_done_callback(&record, &calls);
  f.add_done_callback(&throw_error, nullptr);
  f.add_done_callback(&record2, &calls);
  f.add_done_callback(&record, &calls);
  f.set_result(1);
  loop.call_soon([&calls] { calls.push_back(3); });
  EXPECT_THROW(loop.run_once(), error);
  EXPECT_EQ(calls, std::vector<int>{1});
  loop.run_once();
  EXPECT_EQ(calls, (std::vector<int>{1, 2, 1, 3}));
}

TEST(future, cancel_is_immediate_and_returns_false_when_done) {
  event_loop loop;
  future<int> f(loop);
  EXPECT_TRUE(f.cancel("why"));
  EXPECT_TRUE(f.cancelled());
  EXPECT_FALSE(f.cancel());
  try {
    f.result();
    FAIL() << "result() of a cancelled future must throw";
  } catch (const cancelled_error& e) {
    EXPECT_EQ(e.message(), "why");
  }
}

TEST(future, result_of_pending_future_throws_invalid_state) {
  event_loop loop;
  future<int> f(loop);
  EXPECT_THROW(f.result(), invalid_state_error);
  f.set_result(1);
  EXPECT_THROW(f.set_result(2), invalid_state_error);
}

TEST(future, unretrieved_exception_is_reported_when_destroyed) {
  event_loop loop;
  reports r(loop);
  {
    future<int> f(loop);
    f.set_exception(std::make_exception_ptr(error("ValueError", "x")));
  }
  EXPECT_EQ(r.messages,
            std::vector<std::string>{"Future exception was never retrieved: ValueError"});
}

TEST(future, retrieved_exception_is_not_reported) {
  event_loop loop;
  reports r(loop);
  {
    future<int> f(loop);
    f.set_exception(std::make_exception_ptr(error("ValueError", "x")));
    EXPECT_THROW(f.result(), error);
  }
  {
    future<int> g(loop);
    g.set_exception(std::make_exception_ptr(error("ValueError", "y")));
    EXPECT_TRUE(g.exception());
  }
  EXPECT_TRUE(r.messages.empty());
}

TEST(future, cancel_on_failed_future_silences_report) {
  event_loop loop;
  reports r(loop);
  {
    future<int> f(loop);
    f.set_exception(std::make_exception_ptr(error("ValueError", "x")));
    EXPECT_FALSE(f.cancel());
  }
  EXPECT_TRUE(r.messages.empty());
}

}  // namespace
}  // namespace aioconform::impl
