#include "impl/task.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "impl/sleep.h"
#include "impl/timeout.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

task<int> returns(log_t* log, std::string name, int v) {
  log->push_back(name + " start");
  co_return v;
}

task<int> sleeper(log_t* log, std::string name, loop_time d) {
  log->push_back(name + " start");
  co_await sleep(d);
  log->push_back(name + " end");
  co_return 1;
}

task<void> raises(std::string type, std::string msg) {
  co_await sleep(0);
  throw error(type, msg);
}

// Sleeps `d`; on cancellation logs the message and time, then: "swallow" returns -1,
// "raise" throws ValueError, "reraise" re-raises.
task<int> on_cancel(event_loop* loop, log_t* log, loop_time d, std::string policy) {
  try {
    co_await sleep(d);
  } catch (const cancelled_error& e) {
    log->push_back("cancelled '" + e.message() + "' at " + std::to_string(loop->time()));
    if (policy == "raise") throw error("ValueError", "on cancel");
    if (policy == "reraise") throw;
    co_return -1;
  }
  co_return 1;
}

// GCC lays a coroutine's frame out as two function pointers, the promise, the arguments,
// a resume index and flags: 40 bytes more than the promise for a task<int64>(int64). At
// 80 bytes the frame is 120, and 10^6 trivial tasks fit in 120 MB; each word more moves it
// one 8-byte size class of the frame pool up (bench/: at most 150 bytes per task).
TEST(task, a_task_of_int64_promise_takes_at_most_80_bytes) {
  if (sizeof(void*) != 8) GTEST_SKIP() << "the budget is for 64-bit targets";
  EXPECT_LE(sizeof(detail::task_promise<std::int64_t>), 80u);
}

TEST(task, create_task_starts_at_next_iteration) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, returns(&log, "child", 3));
  EXPECT_FALSE(t.done());
  EXPECT_TRUE(log.empty());
  loop.run_once();
  EXPECT_EQ(log, log_t{"child start"});
  EXPECT_TRUE(t.done());
  EXPECT_EQ(t.result(), 3);
}

task<void> creator(event_loop* loop, log_t* log) {
  create_task(*loop, returns(log, "a", 0));
  create_task(*loop, returns(log, "b", 0));
  log->push_back("creator after create_task");
  co_await sleep(0);
  log->push_back("creator resumed");
}

TEST(task, created_tasks_start_in_creation_order_after_creator_suspends) {
  event_loop loop;
  log_t log;
  run(loop, creator(&loop, &log));
  EXPECT_EQ(log, (log_t{"creator after create_task", "a start", "b start", "creator resumed"}));
}

TEST(task, cancel_returns_true_while_pending_then_false_when_done) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "reraise"));
  loop.run_once();
  EXPECT_TRUE(t.cancel());
  EXPECT_FALSE(t.cancelled());  // task.cancel.not-immediate
  EXPECT_TRUE(t.cancel());      // task.cancel.return-value.twice
  loop.run_until_complete(*t.base());
  EXPECT_TRUE(t.cancelled());
  EXPECT_FALSE(t.cancel());
  EXPECT_EQ(log, log_t{"cancelled '' at 0"});  // one CancelledError for both requests
}

task<void> canceller(event_loop* loop, task<int> target, loop_time at, std::string msg) {
  co_await sleep(at);
  target.cancel(msg);
  (void)loop;
}

TEST(task, cancellation_is_delivered_at_next_resumption_with_message) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "reraise"));
  create_task(loop, canceller(&loop, t, 4, "stop"));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"cancelled 'stop' at 4"});
  EXPECT_EQ(loop.time(), 4);
  EXPECT_TRUE(t.cancelled());
  try {
    t.result();
    FAIL();
  } catch (const cancelled_error& e) {
    EXPECT_EQ(e.message(), "stop");  // task.cancel.message.awaiter (3.11+)
  }
}

std::string cancel_message_of_result(task<int>& t) {
  try {
    t.result();
  } catch (const cancelled_error& e) {
    return e.message();
  }
  return "no CancelledError";
}

// 3.11+ futures.py _make_cancelled_error hands out the CancelledError that left the
// coroutine once, then makes new ones from _cancel_message, which super().cancel() left
// None: CPython 3.13 prints 'stop' then ''.
TEST(task, only_the_first_retrieval_sees_the_error_that_left_the_coroutine) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "reraise"));
  create_task(loop, canceller(&loop, t, 4, "stop"));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(cancel_message_of_result(t), "stop");
  EXPECT_EQ(cancel_message_of_result(t), "");
  EXPECT_THROW((void)t.exception(), cancelled_error);
}

task<int> raises_cancelled_error(std::string msg) {
  co_await sleep(1);
  throw cancelled_error(std::move(msg));
}

TEST(task, a_coroutine_raising_cancelled_error_gives_its_message_once) {
  event_loop loop;
  task<int> t = create_task(loop, raises_cancelled_error("self-cancelled"));
  loop.run_until_complete(*t.base());
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(cancel_message_of_result(t), "self-cancelled");
  EXPECT_EQ(cancel_message_of_result(t), "");
}

TEST(task, a_future_cancelled_with_a_message_gives_it_every_time) {
  event_loop loop;
  future<int> f(loop);
  f.cancel("m");
  for (int i = 0; i < 2; ++i) {
    try {
      f.result();
      FAIL();
    } catch (const cancelled_error& e) {
      EXPECT_EQ(e.message(), "m");
    }
  }
}

task<void> awaits_future(log_t* log, future<int> f) {
  try {
    co_await f;
  } catch (const cancelled_error& e) {
    log->push_back("cancelled '" + e.message() + "'");
    throw;
  }
}

// Two cancel() calls before a task suspended on a future wakes: the first cancels the
// future, the second finds it done and only requests cancellation. Task.__step keeps the
// future's CancelledError, so the first message wins (task.cancel.message; CPython 3.13
// prints 'first' for the same program).
TEST(task, second_cancel_before_wakeup_keeps_the_first_message) {
  event_loop loop;
  log_t log;
  future<int> f(loop);
  task<void> t = create_task(loop, awaits_future(&log, f));
  loop.run_once();  // t suspends on f
  EXPECT_TRUE(t.cancel("first"));
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(t.cancel("second"));
  loop.run_until_complete(*t.base());
  EXPECT_EQ(log, log_t{"cancelled 'first'"});
  EXPECT_TRUE(t.cancelled());
}

TEST(task, swallowed_cancellation_finishes_with_value) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "swallow"));
  loop.run_once();
  EXPECT_TRUE(t.cancel());
  loop.run_until_complete(*t.base());
  EXPECT_FALSE(t.cancelled());
  EXPECT_EQ(t.result(), -1);
}

TEST(task, other_exception_raised_on_cancel_fails_the_task) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "raise"));
  loop.run_once();
  t.cancel();
  loop.run_until_complete(*t.base());
  EXPECT_FALSE(t.cancelled());
  EXPECT_EQ(describe(t.exception()).type_name, "ValueError");
}

TEST(task, cancelled_before_start_never_runs) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, returns(&log, "child", 1));
  EXPECT_TRUE(t.cancel("early"));
  loop.run_until_complete(*t.base());
  EXPECT_TRUE(log.empty());
  EXPECT_TRUE(t.cancelled());
}

task<int> awaits(log_t* log, task<int> inner) {
  try {
    int v = co_await inner;
    log->push_back("outer got " + std::to_string(v));
    co_return v;
  } catch (const cancelled_error& e) {
    log->push_back("outer cancelled '" + e.message() + "'");
    throw;
  }
}

TEST(task, cancelling_a_task_cancels_the_task_it_awaits) {
  event_loop loop;
  log_t log;
  task<int> inner = create_task(loop, on_cancel(&loop, &log, 10, "reraise"));
  task<int> outer = create_task(loop, awaits(&log, inner));
  loop.run_once();  // both start; the clock has not moved
  EXPECT_TRUE(outer.cancel("m"));
  loop.run_until_complete(*outer.base());
  EXPECT_TRUE(inner.cancelled());
  EXPECT_TRUE(outer.cancelled());
  EXPECT_EQ(log, (log_t{"cancelled 'm' at 0", "outer cancelled 'm'"}));
}

TEST(task, cancellation_absorbed_by_awaited_task_gives_its_value) {
  event_loop loop;
  log_t log;
  task<int> inner = create_task(loop, on_cancel(&loop, &log, 10, "swallow"));
  task<int> outer = create_task(loop, awaits(&log, inner));
  loop.run_once();  // both start; the clock has not moved
  outer.cancel();
  loop.run_until_complete(*outer.base());
  EXPECT_FALSE(outer.cancelled());
  EXPECT_EQ(outer.result(), -1);
  EXPECT_EQ(outer.cancelling(), 1);  // task.cancel.swallow.by-awaited: count stays raised
}

TEST(task, awaiter_of_task_cancelled_by_someone_else_sees_cancelled_error_only) {
  event_loop loop;
  log_t log;
  task<int> inner = create_task(loop, sleeper(&log, "inner", 10));
  task<int> outer = create_task(loop, awaits(&log, inner));
  loop.run_once();  // both start; the clock has not moved
  inner.cancel("x");
  loop.run_until_complete(*outer.base());
  EXPECT_TRUE(outer.cancelled());  // the error left its coroutine
  EXPECT_EQ(outer.cancelling(), 0);
  EXPECT_EQ(log, (log_t{"inner start", "outer cancelled 'x'"}));
}

TEST(task, cancelling_and_uncancel_count_requests) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, on_cancel(&loop, &log, 10, "swallow"));
  loop.run_once();
  t.cancel();
  t.cancel();
  EXPECT_EQ(t.cancelling(), 2);
  EXPECT_EQ(t.uncancel(), 1);
  EXPECT_EQ(t.uncancel(), 0);
  EXPECT_EQ(t.uncancel(), 0);
  loop.run_until_complete(*t.base());
}

TEST(task, uncancel_to_zero_drops_undelivered_cancellation) {
  event_loop loop;
  log_t log;
  task<int> t = create_task(loop, returns(&log, "child", 5));
  t.cancel();
  t.uncancel();
  loop.run_until_complete(*t.base());
  EXPECT_EQ(t.result(), 5);  // 3.13: task.uncancel.clears-pending
}

task<int> cancels_itself(task<int>* self) {
  self->cancel();
  co_return 9;
}

TEST(task, task_cancelling_itself_then_returning_ends_cancelled) {
  event_loop loop;
  task<int> t(nullptr);
  t = cancels_itself(&t);
  create_task(loop, t);
  loop.run_until_complete(*t.base());
  EXPECT_TRUE(t.cancelled());
}

TEST(task, unretrieved_task_exception_is_reported_and_awaited_one_is_not) {
  event_loop loop;
  reports r(loop);
  {
    task<void> t = create_task(loop, raises("ValueError", "a"));
    loop.run_until_complete(*t.base());
  }
  EXPECT_EQ(r.messages, std::vector<std::string>{"Task exception was never retrieved: ValueError"});
  r.messages.clear();
  {
    task<void> t = create_task(loop, raises("KeyError", "b"));
    loop.run_until_complete(*t.base());
    EXPECT_THROW(t.result(), error);
  }
  EXPECT_TRUE(r.messages.empty());
}

task<int> main_with_leftovers(event_loop* loop, log_t* log) {
  create_task(*loop, on_cancel(loop, log, 10, "reraise"));
  create_task(*loop, on_cancel(loop, log, 10, "raise"));
  co_await sleep(2);
  co_return 42;
}

task<int> awaits_inline(event_loop* loop, log_t* log) {
  create_task(*loop, returns(log, "other", 0));
  log->push_back("before");
  int v = co_await returns(log, "inline", 7);
  log->push_back("after " + std::to_string(v) + ", " + std::to_string(loop->all_tasks().size()) +
                 " tasks");
  co_return v;
}

TEST(task, awaiting_an_unscheduled_task_runs_it_inline_in_the_same_step) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, awaits_inline(&loop, &log)), 7);
  // `await coro()`: no task of its own, no iteration: "other" runs only after main ends.
  EXPECT_EQ(log, (log_t{"before", "inline start", "after 7, 2 tasks", "other start"}));
}

task<task_base*> current() {
  co_await sleep(1);
  co_return co_await current_task();
}

task<bool> inline_sees_awaiting_task() {
  task_base* self = co_await current_task();
  task_base* inside = co_await current();
  co_return inside == self;
}

TEST(task, inline_coroutine_runs_as_the_awaiting_task) {
  event_loop loop;
  EXPECT_TRUE(run(loop, inline_sees_awaiting_task()));
}

task<int> chain(int depth) {
  if (depth == 0) {
    co_await sleep(2);
    co_return 0;
  }
  co_return co_await chain(depth - 1) + 1;
}

task<std::string> chain_main(event_loop* loop) {
  task<int> inner = chain(3);
  int v = co_await inner;
  co_return std::to_string(v) + "@" + std::to_string(loop->time()) +
      " done=" + std::to_string(inner.done()) + " result=" + std::to_string(inner.result());
}

TEST(task, nested_inline_coroutines_suspend_their_one_task) {
  event_loop loop;
  EXPECT_EQ(run(loop, chain_main(&loop)), "3@2 done=1 result=3");
}

task<std::string> inline_raises_main() {
  try {
    co_await raises("ValueError", "inside");
  } catch (const error& e) {
    co_return e.type_name() + " " + e.message();
  }
  co_return "nothing raised";
}

TEST(task, inline_coroutine_exception_reaches_the_awaiter_and_is_not_reported) {
  event_loop loop;
  reports r(loop);
  EXPECT_EQ(run(loop, inline_raises_main()), "ValueError inside");
  EXPECT_TRUE(r.messages.empty());
}

task<int> awaits_on_cancel_inline(event_loop* loop, log_t* log, std::string policy) {
  int v = co_await on_cancel(loop, log, 5, policy);
  log->push_back("outer got " + std::to_string(v));
  co_return v;
}

task<void> cancel_inline_main(event_loop* loop, log_t* log, std::string policy) {
  task<int> t = create_task(*loop, awaits_on_cancel_inline(loop, log, policy));
  co_await sleep(1);
  t.cancel("m");
  try {
    int v = co_await t;
    log->push_back("main got " + std::to_string(v));
  } catch (const cancelled_error& e) {
    log->push_back("main: cancelled '" + e.message() + "'");
  }
  log->push_back("cancelling " + std::to_string(t.cancelling()));
}

TEST(task, cancelling_the_awaiting_task_cancels_inside_the_inline_coroutine) {
  event_loop loop;
  log_t log;
  run(loop, cancel_inline_main(&loop, &log, "reraise"));
  EXPECT_EQ(log, (log_t{"cancelled 'm' at 1", "main: cancelled 'm'", "cancelling 1"}));
}

TEST(task, inline_coroutine_swallowing_the_cancellation_returns_to_its_awaiter) {
  event_loop loop;
  log_t log;
  run(loop, cancel_inline_main(&loop, &log, "swallow"));
  EXPECT_EQ(log, (log_t{"cancelled 'm' at 1", "outer got -1", "main got -1", "cancelling 1"}));
}

TEST(run, returns_main_result_after_cancelling_leftovers) {
  event_loop loop;
  reports r(loop);
  log_t log;
  EXPECT_EQ(run(loop, main_with_leftovers(&loop, &log)), 42);
  EXPECT_EQ(log, (log_t{"cancelled '' at 2", "cancelled '' at 2"}));
  EXPECT_EQ(r.messages, std::vector<std::string>{
                            "unhandled exception during asyncio.run() shutdown: ValueError"});
  EXPECT_TRUE(loop.all_tasks().empty());
}

task<void> two_steps(log_t* log) {
  log->push_back("late step 1");
  co_await sleep(0);
  log->push_back("late step 2");
}

task<void> spawns_when_cancelled(event_loop* loop, log_t* log) {
  try {
    co_await sleep(10);
  } catch (const cancelled_error&) {
    create_task(*loop, two_steps(log));
    throw;
  }
}

task<int> main_leaving_a_spawner(event_loop* loop, log_t* log) {
  create_task(*loop, spawns_when_cancelled(loop, log));
  co_await sleep(0);
  co_return 0;
}

// runners.py _cancel_all_tasks waits with gather(*to_cancel): the loop stops an iteration
// after the last leftover's done callback, so a task created during the shutdown gets a
// second step (CPython 3.13 prints both lines). Waiting for the leftover itself stopped
// one iteration earlier.
TEST(run, shutdown_waits_for_leftovers_as_gather_does) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, main_leaving_a_spawner(&loop, &log)), 0);
  EXPECT_EQ(log, (log_t{"late step 1", "late step 2"}));
}

task<int> main_raises() {
  co_await sleep(1);
  throw error("RuntimeError", "main failed");
}

TEST(run, main_exception_is_raised_and_not_reported) {
  event_loop loop;
  reports r(loop);
  EXPECT_THROW(run(loop, main_raises()), error);
  EXPECT_TRUE(r.messages.empty());
}

task<void> hangs(future<int> f) {
  co_await f;
}

TEST(run, hang_is_an_error) {
  event_loop loop;
  future<int> never(loop);
  EXPECT_THROW(run(loop, hangs(never)), error);
}

}  // namespace
}  // namespace aioconform::impl
