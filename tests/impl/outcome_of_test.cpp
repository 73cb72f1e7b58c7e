#include "impl/outcome_of.h"

#include <gtest/gtest.h>

#include <exception>
#include <string>
#include <vector>

#include "impl/exception_access.h"
#include "impl/sleep.h"
#include "impl/task.h"
#include "impl/task_group.h"
#include "impl/timeout.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

std::string message_of(const std::exception_ptr& e) {
  return e ? describe(e).type_name + " '" + describe(e).message + "'" : "none";
}

task<int> fails_with(std::exception_ptr e) {
  co_await sleep(1);
  std::rethrow_exception(e);
}

task<int> returns_after(loop_time d, int v) {
  co_await sleep(d);
  co_return v;
}

// Awaits `f` with outcome_of and logs what came out; the coroutine goes on either way.
task<int> logs_outcome(log_t* log, future<int> f) {
  outcome<int> o = co_await outcome_of(f);
  log->push_back(o.ok() ? "value " + std::to_string(*o.value) : message_of(o.exception));
  co_return o.ok() ? *o.value : -1;
}

TEST(outcome_of, gives_the_value_of_a_future) {
  event_loop loop;
  log_t log;
  task<int> child = create_task(loop, returns_after(2, 5));
  task<int> t = create_task(loop, logs_outcome(&log, child));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"value 5"});
  EXPECT_EQ(loop.time(), 2);
}

task<int> keeps_exception(future<int> f, std::exception_ptr* out) {
  outcome<int> o = co_await outcome_of(f);
  *out = o.exception;
  co_return 0;
}

TEST(outcome_of, gives_the_very_exception_and_retrieves_it) {
  event_loop loop;
  reports r(loop);
  log_t log;
  std::exception_ptr raised_here = std::make_exception_ptr(error("ValueError", "v"));
  {
    task<int> child = create_task(loop, fails_with(raised_here));
    std::exception_ptr seen;
    task<int> t = create_task(loop, keeps_exception(child, &seen));
    loop.run_until_complete(*t.base());
    EXPECT_TRUE(seen == raised_here);  // the same object, not a copy
    EXPECT_FALSE(child.base()->log_traceback());
  }
  // Retrieved as `co_await` retrieves it: nothing is reported as never retrieved.
  EXPECT_TRUE(r.messages.empty());
}

TEST(outcome_of, gives_the_cancelled_error_of_a_cancelled_future) {
  event_loop loop;
  log_t log;
  future<int> f(loop);
  task<int> t = create_task(loop, logs_outcome(&log, f));
  loop.run_once();
  f.cancel("gone");
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"CancelledError 'gone'"});
  EXPECT_EQ(t.result(), -1);  // the awaiting task itself went on
}

task<int> sleeps_and_reports(log_t* log, loop_time d) {
  outcome<void> o = co_await outcome_of(sleep(d));
  log->push_back(message_of(o.exception));
  co_return is_cancelled_error(o.exception) ? 7 : 0;
}

TEST(outcome_of, gives_the_cancellation_delivered_to_a_sleep) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, sleeps_and_reports(&log, 10));
  loop.run_once();
  t.cancel("stop");
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"CancelledError 'stop'"});
  EXPECT_FALSE(t.cancelled());  // it went on and returned (task.cancel.swallow)
  EXPECT_EQ(t.result(), 7);
  EXPECT_LT(loop.time(), 10);  // the sleep's timer did not keep it
}

task<int> awaits_inline(log_t* log, std::exception_ptr e) {
  outcome<int> o = co_await outcome_of(fails_with(e));
  log->push_back(message_of(o.exception) + (o.exception == e ? ", the same" : ", another"));
  co_return 0;
}

TEST(outcome_of, runs_an_unscheduled_task_inline) {
  event_loop loop;
  log_t log;
  std::exception_ptr e = std::make_exception_ptr(error("KeyError", "k"));
  task<int> t = create_task(loop, awaits_inline(&log, e));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"KeyError 'k', the same"});
  EXPECT_EQ(loop.all_tasks().size(), 0u);  // no task of its own
}

task<int> returns_raised(std::exception_ptr e) {
  co_await sleep(1);
  co_return raised{e};
}

TEST(raised, ends_the_task_with_that_exception_unretrieved) {
  event_loop loop;
  reports r(loop);
  std::exception_ptr e = std::make_exception_ptr(error("ValueError", "r"));
  {
    task<int> t = create_task(loop, returns_raised(e));
    loop.run_until_complete(*t.base());
    EXPECT_TRUE(t.done());
    EXPECT_FALSE(t.cancelled());
    EXPECT_TRUE(t.base()->log_traceback());
    EXPECT_TRUE(t.base()->held_exception() == e);
  }
  EXPECT_EQ(r.messages, std::vector<std::string>{"Task exception was never retrieved: ValueError"});
}

task<int> awaits_twice(future<int> f, std::exception_ptr* first, std::exception_ptr* second) {
  *first = (co_await outcome_of(f)).exception;
  *second = (co_await outcome_of(f)).exception;
  co_return 0;
}

TEST(raised, a_cancelled_error_cancels_the_task_and_the_first_awaiter_sees_it) {
  event_loop loop;
  std::exception_ptr e = std::make_exception_ptr(cancelled_error("self"));
  task<int> t = create_task(loop, returns_raised(e));
  std::exception_ptr first;
  std::exception_ptr second;
  task<int> w = create_task(loop, awaits_twice(t, &first, &second));
  loop.run_until_complete(*w.base());
  EXPECT_TRUE(t.cancelled());  // task.raise-cancelled
  EXPECT_TRUE(first == e);     // task.cancel.message.awaiter: that very error
  EXPECT_EQ(message_of(second), "CancelledError ''");
  EXPECT_FALSE(second == e);
}

task<int> passes_on(future<int> f) {
  co_return co_await outcome_of(f);
}

TEST(raised, an_outcome_passes_through_a_task_as_value_or_exception) {
  event_loop loop;
  std::exception_ptr e = std::make_exception_ptr(error("ValueError", "p"));
  task<int> ok = create_task(loop, passes_on(create_task(loop, returns_after(1, 3))));
  task<int> failed = create_task(loop, passes_on(create_task(loop, fails_with(e))));
  loop.run_until_complete(*failed.base());
  loop.run_until_complete(*ok.base());
  EXPECT_EQ(ok.result(), 3);
  EXPECT_TRUE(failed.exception() == e);
}

task<int> times_out(std::exception_ptr* out) {
  timeout_scope scope = timeout(2);
  co_await scope.enter();
  outcome<void> slept = co_await outcome_of(sleep(10));
  *out = scope.exit_exception(slept.exception);
  co_return 0;
}

TEST(timeout_scope, exit_exception_gives_the_timeout_error_instead_of_throwing_it) {
  event_loop loop;
  std::exception_ptr e;
  task<int> t = create_task(loop, times_out(&e));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(message_of(e), "TimeoutError ''");
  EXPECT_NE(exception_as<timeout_error>(e), nullptr);
  EXPECT_EQ(loop.time(), 2);
}

task<int> group_with_failing_child(std::exception_ptr child_error, std::exception_ptr* out) {
  task_group tg;
  co_await tg.enter();
  tg.create_task(fails_with(child_error));
  outcome<void> body = co_await outcome_of(sleep(5));  // cancelled by the child's failure
  tg.begin_exit(body.exception);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  *out = tg.end_exit_exception();
  co_return 0;
}

TEST(task_group, end_exit_exception_gives_the_group_error_instead_of_throwing_it) {
  event_loop loop;
  std::exception_ptr child_error = std::make_exception_ptr(error("ValueError", "c"));
  std::exception_ptr e;
  task<int> t = create_task(loop, group_with_failing_child(child_error, &e));
  loop.run_until_complete(*t.base());
  const auto* group = exception_as<exception_group_error>(e);
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->exceptions().size(), 1u);
  EXPECT_TRUE(group->exceptions()[0] == child_error);
  EXPECT_EQ(loop.time(), 1);
}

}  // namespace
}  // namespace aioconform::impl
