#include "impl/wait_for.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "impl/shield.h"
#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

std::string at(event_loop* loop) {
  return "@" + std::to_string(loop->time());
}

enum class on_cancel { propagate, cleanup_then_propagate, swallow, raise_other };

// Sleeps `d`, then returns `v` (or raises ValueError for v < 0). When cancelled: as `how`.
task<int> child(event_loop* loop, log_t* log, loop_time d, int v,
                on_cancel how = on_cancel::propagate) {
  try {
    co_await sleep(d);
  } catch (const cancelled_error&) {
    log->push_back("child cancelled" + at(loop));
    if (how == on_cancel::swallow) co_return 42;
    if (how == on_cancel::raise_other) throw error("ValueError", "in cleanup");
    if (how == on_cancel::propagate) throw;
  }
  if (how == on_cancel::cleanup_then_propagate && loop->time() < d) {
    co_await sleep(3);
    log->push_back("child cleaned" + at(loop));
    throw cancelled_error();
  }
  log->push_back("child ends" + at(loop));
  if (v < 0) throw error("ValueError", "child");
  co_return v;
}

// Awaits `aw`, logging its outcome with the time.
task<void> record(event_loop* loop, log_t* log, task<int> aw) {
  try {
    int v = co_await aw;
    log->push_back("result " + std::to_string(v) + at(loop));
  } catch (const error& e) {
    log->push_back(std::string(e.what()) + at(loop));
  }
}

TEST(wait_for, returns_the_result_before_the_deadline) {
  event_loop loop;
  log_t log;
  run(loop, record(&loop, &log, wait_for(child(&loop, &log, 2, 5), 10)));
  EXPECT_EQ(log, (log_t{"child ends@2", "result 5@2"}));
  EXPECT_EQ(loop.pending_timers(), 0u);  // timeout.disarmed-on-exit
}

TEST(wait_for, child_failure_propagates) {
  event_loop loop;
  log_t log;
  run(loop, record(&loop, &log, wait_for(child(&loop, &log, 2, -1), 10)));
  EXPECT_EQ(log, (log_t{"child ends@2", "ValueError: child@2"}));
}

TEST(wait_for, timeout_cancels_the_child_and_waits_for_its_cleanup) {
  event_loop loop;
  log_t log;
  task<int> c = child(&loop, &log, 10, 5, on_cancel::cleanup_then_propagate);
  run(loop, record(&loop, &log, wait_for(c, 2)));
  EXPECT_EQ(log, (log_t{"child cancelled@2", "child cleaned@5", "TimeoutError@5"}));
  EXPECT_TRUE(c.cancelled());
}

TEST(wait_for, child_swallowing_the_timeout_returns_its_value) {
  event_loop loop;
  log_t log;
  run(loop, record(&loop, &log, wait_for(child(&loop, &log, 10, 5, on_cancel::swallow), 2)));
  EXPECT_EQ(log, (log_t{"child cancelled@2", "result 42@2"}));
}

TEST(wait_for, child_raising_on_timeout_propagates_its_exception) {
  event_loop loop;
  log_t log;
  run(loop, record(&loop, &log, wait_for(child(&loop, &log, 10, 5, on_cancel::raise_other), 2)));
  EXPECT_EQ(log, (log_t{"child cancelled@2", "ValueError: in cleanup@2"}));
}

TEST(wait_for, none_sets_no_timer) {
  event_loop loop;
  log_t log;
  std::size_t timers = 99;
  auto main = [](event_loop* l, log_t* lg, std::size_t* n) -> task<void> {
    task<int> w = create_task(*l, wait_for(child(l, lg, 4, 3), std::nullopt));
    co_await sleep(1);
    *n = l->pending_timers();  // only the child's sleep
    lg->push_back("result " + std::to_string(co_await w) + at(l));
  };
  run(loop, main(&loop, &log, &timers));
  EXPECT_EQ(timers, 1u);
  EXPECT_EQ(log, (log_t{"child ends@4", "result 3@4"}));
}

TEST(wait_for, zero_cancels_an_unstarted_child_which_never_starts) {
  event_loop loop;
  log_t log;
  task<int> c = child(&loop, &log, 1, 5);
  run(loop, record(&loop, &log, wait_for(c, 0)));
  EXPECT_EQ(log, log_t{"TimeoutError@0"});
  EXPECT_TRUE(c.cancelled());
}

task<void> zero_done_main(event_loop* loop, log_t* log) {
  task<int> c = create_task(*loop, child(loop, log, 0, 6));
  co_await c;
  co_await record(loop, log, wait_for(c, 0));
}

TEST(wait_for, zero_returns_a_done_childs_result) {
  event_loop loop;
  log_t log;
  run(loop, zero_done_main(&loop, &log));
  EXPECT_EQ(log, (log_t{"child ends@0", "result 6@0"}));
}

task<void> outer_cancel_main(event_loop* loop, log_t* log, task<int> c, bool* caller_ok) {
  task<void> caller = create_task(*loop, record(loop, log, wait_for(c, 10)));
  co_await sleep(1);
  caller.cancel("stop");
  try {
    co_await caller;
    *caller_ok = true;
  } catch (const cancelled_error&) {
    log->push_back("caller cancelled" + at(loop));
  }
}

TEST(wait_for, outer_cancel_cancels_the_child) {
  event_loop loop;
  log_t log;
  bool caller_ok = false;
  task<int> c = child(&loop, &log, 5, 1);
  run(loop, outer_cancel_main(&loop, &log, c, &caller_ok));
  // record() catches the error the child let out and ends normally.
  EXPECT_EQ(log, (log_t{"child cancelled@1", "CancelledError: stop@1"}));
  EXPECT_TRUE(caller_ok);
  EXPECT_TRUE(c.cancelled());
}

TEST(wait_for, outer_cancel_swallowed_by_child_returns_the_value) {
  event_loop loop;
  log_t log;
  bool caller_ok = false;
  run(loop,
      outer_cancel_main(&loop, &log, child(&loop, &log, 5, 1, on_cancel::swallow), &caller_ok));
  EXPECT_EQ(log, (log_t{"child cancelled@1", "result 42@1"}));
  EXPECT_TRUE(caller_ok);
}

task<void> shielded_main(event_loop* loop, log_t* log) {
  task<int> c = create_task(*loop, child(loop, log, 5, 9));
  try {
    co_await wait_for([](future<int> f) -> task<int> { co_return co_await f; }(shield(c)), 2);
  } catch (const timeout_error&) {
    log->push_back("TimeoutError" + at(loop));
  }
  log->push_back("child result " + std::to_string(co_await c) + at(loop));
}

TEST(wait_for, shielded_child_keeps_running_after_the_timeout) {
  event_loop loop;
  log_t log;
  run(loop, shielded_main(&loop, &log));
  EXPECT_EQ(log, (log_t{"TimeoutError@2", "child ends@5", "child result 9@5"}));
}

task<void> void_child(event_loop* loop, log_t* log) {
  co_await sleep(1);
  log->push_back("void child ends" + at(loop));
}

task<void> void_main(event_loop* loop, log_t* log) {
  co_await wait_for(void_child(loop, log), 5);
  try {
    co_await wait_for([]() -> task<void> { co_await sleep(9); }(), 2);
  } catch (const timeout_error&) {
    log->push_back("TimeoutError" + at(loop));
  }
}

TEST(wait_for, void_child) {
  event_loop loop;
  log_t log;
  run(loop, void_main(&loop, &log));
  EXPECT_EQ(log, (log_t{"void child ends@1", "TimeoutError@3"}));
}

}  // namespace
}  // namespace aioconform::impl
