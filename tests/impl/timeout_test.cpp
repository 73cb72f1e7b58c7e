#include "impl/timeout.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

std::string at(event_loop* loop) {
  return "@" + std::to_string(loop->time());
}

// A block `timeout(d) { sleep(work) }` run in the calling task; logs how it ended.
task<void> sleep_block(event_loop* loop, log_t* log, std::optional<loop_time> d, loop_time work) {
  timeout_scope cm = timeout(d);
  co_await cm.enter();
  std::exception_ptr e;
  try {
    co_await sleep(work);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    cm.exit(e);
    log->push_back("block ok" + at(loop));
  } catch (const error& x) {
    log->push_back("block " + x.type_name() + at(loop));
    throw;
  }
}

TEST(timeout, expiry_converts_its_own_cancellation_to_timeout_error) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(run(loop, sleep_block(&loop, &log, 3, 10)), timeout_error);
  EXPECT_EQ(log, log_t{"block TimeoutError@3"});
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(timeout, block_ending_first_is_unaffected_and_disarms) {
  event_loop loop;
  log_t log;
  run(loop, sleep_block(&loop, &log, 5, 2));
  EXPECT_EQ(log, log_t{"block ok@2"});
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(timeout, none_never_expires) {
  event_loop loop;
  log_t log;
  run(loop, sleep_block(&loop, &log, std::nullopt, 100));
  EXPECT_EQ(log, log_t{"block ok@100"});
}

TEST(timeout, zero_expires_at_first_suspension_same_instant) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(run(loop, sleep_block(&loop, &log, 0, 0)), timeout_error);
  EXPECT_EQ(log, log_t{"block TimeoutError@0"});
}

task<int> no_suspension_block() {
  timeout_scope cm = timeout(0);
  co_await cm.enter();
  cm.exit(nullptr);   // the expiry queued by call_soon has not run yet
  co_await sleep(0);  // and does nothing once it runs
  co_return cm.expired() ? 1 : 2;
}

TEST(timeout, zero_without_suspension_point_completes_normally) {
  event_loop loop;
  EXPECT_EQ(run(loop, no_suspension_block()), 2);
}

task<void> pending_outer_cancel_main(event_loop* loop, log_t* log, task<void>* body) {
  *body = create_task(*loop, sleep_block(loop, log, 3, 10));
  co_await sleep(3);  // the outside cancel lands in the same iteration as the expiry
  body->cancel("outside");
  try {
    co_await *body;
  } catch (const cancelled_error&) {
    log->push_back("cancelled" + at(loop));
  }
}

TEST(timeout, outside_cancel_is_not_converted) {
  event_loop loop;
  log_t log;
  task<void> body(nullptr);
  run(loop, pending_outer_cancel_main(&loop, &log, &body));
  // The expiry fired first (cancelling 1), the outside request followed in the next
  // iteration (2); exit's uncancel leaves 1 > baseline 0, so the cancelled_error passes
  // through (timeout.external-cancel, timeout.cancelling-baseline).
  EXPECT_EQ(log, (log_t{"block CancelledError@3", "cancelled@3"}));
  EXPECT_TRUE(body.cancelled());
}

task<void> early_outer_cancel_main(event_loop* loop, log_t* log, task<void>* body) {
  *body = create_task(*loop, sleep_block(loop, log, 5, 10));
  co_await sleep(1);
  body->cancel("outside");
  try {
    co_await *body;
  } catch (const cancelled_error& e) {
    log->push_back("cancelled '" + e.message() + "'" + at(loop));
  }
}

TEST(timeout, outside_cancel_before_expiry_keeps_its_message) {
  event_loop loop;
  log_t log;
  task<void> body(nullptr);
  run(loop, early_outer_cancel_main(&loop, &log, &body));
  EXPECT_EQ(log, (log_t{"block CancelledError@1", "cancelled 'outside'@1"}));
  EXPECT_EQ(loop.pending_timers(), 0u);
}

// The inner block runs in a task the outer block awaits (timeout.waits-for-cancellation).
task<void> nested(event_loop* loop, log_t* log, loop_time outer_d, loop_time inner_d,
                  loop_time work, loop_time after) {
  timeout_scope outer = timeout(outer_d);
  co_await outer.enter();
  std::exception_ptr e;
  try {
    try {
      co_await sleep_block(loop, log, inner_d, work);
    } catch (const timeout_error&) {
      log->push_back("inner timed out" + at(loop));
    }
    co_await sleep(after);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    outer.exit(e);
    log->push_back("outer ok" + at(loop));
  } catch (const error& x) {
    log->push_back("outer " + x.type_name() + at(loop));
  }
}

// Both blocks in the same task (timeout.nested.inner-first, timeout.nested.outer-first).
task<void> nested_inline(event_loop* loop, log_t* log, loop_time outer_d, loop_time inner_d,
                         loop_time work, loop_time after) {
  timeout_scope outer = timeout(outer_d);
  co_await outer.enter();
  std::exception_ptr e;
  try {
    timeout_scope inner = timeout(inner_d);
    co_await inner.enter();
    std::exception_ptr ie;
    try {
      co_await sleep(work);
    } catch (...) {
      ie = std::current_exception();
    }
    try {
      inner.exit(ie);
      log->push_back("inner ok" + at(loop));
    } catch (const timeout_error&) {
      log->push_back("inner TimeoutError" + at(loop));
    } catch (const cancelled_error&) {
      log->push_back("inner CancelledError" + at(loop));
      throw;
    }
    co_await sleep(after);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    outer.exit(e);
    log->push_back("outer ok" + at(loop));
  } catch (const error& x) {
    log->push_back("outer " + x.type_name() + at(loop));
  }
}

TEST(timeout, nested_inner_first_converts_inside_and_outer_goes_on) {
  event_loop loop;
  log_t log;
  run(loop, nested_inline(&loop, &log, 10, 2, 5, 3));
  EXPECT_EQ(log, (log_t{"inner TimeoutError@2", "outer ok@5"}));
}

TEST(timeout, nested_inner_first_then_outer_expires) {
  event_loop loop;
  log_t log;
  run(loop, nested_inline(&loop, &log, 4, 2, 5, 10));
  EXPECT_EQ(log, (log_t{"inner TimeoutError@2", "outer TimeoutError@4"}));
}

TEST(timeout, nested_outer_first_passes_through_inner) {
  event_loop loop;
  log_t log;
  run(loop, nested_inline(&loop, &log, 2, 5, 10, 0));
  EXPECT_EQ(log, (log_t{"inner CancelledError@2", "outer TimeoutError@2"}));
}

TEST(timeout, nested_in_awaited_task_waits_for_it) {
  event_loop loop;
  log_t log;
  run(loop, nested(&loop, &log, 10, 2, 5, 3));
  EXPECT_EQ(log, (log_t{"block TimeoutError@2", "inner timed out@2", "outer ok@5"}));
}

task<int> swallowing_block(event_loop* loop, log_t* log) {
  timeout_scope cm = timeout(2);
  co_await cm.enter();
  try {
    co_await sleep(5);
  } catch (const cancelled_error&) {
    log->push_back("swallowed" + at(loop));
  }
  cm.exit(nullptr);
  log->push_back("block ok expired=" + std::to_string(cm.expired()) + at(loop));
  co_await sleep(1);  // the request was withdrawn: nothing pending
  co_return 7;
}

TEST(timeout, swallowed_expiry_ends_normally) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, swallowing_block(&loop, &log)), 7);
  EXPECT_EQ(log, (log_t{"swallowed@2", "block ok expired=1@2"}));
}

task<void> raising_block(event_loop* loop) {
  timeout_scope cm = timeout(2);
  co_await cm.enter();
  std::exception_ptr e;
  try {
    try {
      co_await sleep(5);
    } catch (const cancelled_error&) {
      throw error("ValueError", "cleanup failed");
    }
  } catch (...) {
    e = std::current_exception();
  }
  EXPECT_EQ(loop->time(), 2);
  cm.exit(e);
}

TEST(timeout, other_exception_after_expiry_propagates_unchanged) {
  event_loop loop;
  try {
    run(loop, raising_block(&loop));
    FAIL() << "no exception";
  } catch (const error& e) {
    EXPECT_EQ(e.what(), std::string("ValueError: cleanup failed"));
  }
}

task<void> absorbing_body(event_loop* loop, log_t* log) {
  try {
    co_await sleep(1);
  } catch (const cancelled_error&) {
    log->push_back("absorbed" + at(loop));
  }
  timeout_scope cm = timeout(2);  // entered with cancelling() == 1
  co_await cm.enter();
  std::exception_ptr e;
  try {
    co_await sleep(10);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    cm.exit(e);
  } catch (const timeout_error&) {
    log->push_back("block TimeoutError" + at(loop));
  }
}

task<void> absorbed_before_main(event_loop* loop, log_t* log, task<void>* body) {
  *body = create_task(*loop, absorbing_body(loop, log));
  co_await sleep(0);
  body->cancel();
  co_await *body;
}

TEST(timeout, earlier_absorbed_cancel_does_not_prevent_conversion) {
  event_loop loop;
  log_t log;
  task<void> body(nullptr);
  run(loop, absorbed_before_main(&loop, &log, &body));
  EXPECT_EQ(log, (log_t{"absorbed@0", "block TimeoutError@2"}));
  EXPECT_EQ(body.cancelling(), 1);  // the absorbed request was never uncancelled
}

task<void> reschedule_main(event_loop* loop, log_t* log) {
  timeout_scope cm = timeout(std::nullopt);
  co_await cm.enter();
  cm.reschedule(loop->time() + 4);
  EXPECT_EQ(cm.when(), std::optional<loop_time>(4));
  std::exception_ptr e;
  try {
    co_await sleep(10);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    cm.exit(e);
  } catch (const timeout_error&) {
    log->push_back("TimeoutError" + at(loop));
  }
  EXPECT_THROW(cm.reschedule(1), error);
}

TEST(timeout, reschedule_moves_the_deadline) {
  event_loop loop;
  log_t log;
  run(loop, reschedule_main(&loop, &log));
  EXPECT_EQ(log, log_t{"TimeoutError@4"});
}

}  // namespace
}  // namespace aioconform::impl
