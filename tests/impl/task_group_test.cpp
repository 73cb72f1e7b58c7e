#include "impl/task_group.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/sleep.h"
#include "impl/task.h"
#include "impl/timeout.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

std::string at(event_loop* loop) {
  return "@" + std::to_string(loop->time());
}

enum class on_cancel { propagate, cleanup, raise_other };

struct child_spec {
  std::string name;
  loop_time d;
  bool fails = false;
  on_cancel how = on_cancel::propagate;
};

task<int> child(event_loop* loop, log_t* log, child_spec s) {
  try {
    co_await sleep(s.d);
  } catch (const cancelled_error&) {
    log->push_back(s.name + " cancelled" + at(loop));
    if (s.how == on_cancel::raise_other) throw error("KeyError", s.name + " cleanup");
    if (s.how == on_cancel::propagate) throw;
  }
  if (s.how == on_cancel::cleanup && loop->time() < s.d) {
    co_await sleep(3);
    log->push_back(s.name + " cleaned" + at(loop));
    throw cancelled_error();
  }
  log->push_back(s.name + " ends" + at(loop));
  if (s.fails) throw error("ValueError", s.name);
  co_return 1;
}

std::string describe_group(const exception_group_error& g) {
  std::string s = g.what();
  for (const std::exception_ptr& e : g.exceptions()) s += " [" + describe(e).type_name + "]";
  return s;
}

// `async with TaskGroup() as tg:` creating `children`, whose body sleeps `body_d` and then
// raises RuntimeError if `body_raises`. Logs how the block ended and rethrows.
task<void> group_block(event_loop* loop, log_t* log, std::vector<child_spec> children,
                       loop_time body_d, bool body_raises = false) {
  task_group tg;
  co_await tg.enter();
  std::exception_ptr e;
  try {
    for (const child_spec& s : children) tg.create_task(child(loop, log, s));
    try {
      co_await sleep(body_d);
    } catch (const cancelled_error&) {
      log->push_back("body cancelled" + at(loop));
      throw;
    }
    if (body_raises) throw error("RuntimeError", "body");
  } catch (...) {
    e = std::current_exception();
  }
  tg.begin_exit(e);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  try {
    tg.end_exit();
    log->push_back("group ok" + at(loop));
  } catch (const exception_group_error& g) {
    log->push_back(describe_group(g) + at(loop));
    throw;
  } catch (const error& x) {
    log->push_back(x.type_name() + at(loop));
    throw;
  }
}

TEST(task_group, waits_for_all_children) {
  event_loop loop;
  log_t log;
  run(loop, group_block(&loop, &log, {{"a", 3}, {"b", 1}}, 0));
  EXPECT_EQ(log, (log_t{"b ends@1", "a ends@3", "group ok@3"}));
}

TEST(task_group, empty_group_completes_at_once) {
  event_loop loop;
  log_t log;
  run(loop, group_block(&loop, &log, {}, 0));
  EXPECT_EQ(log, log_t{"group ok@0"});
}

TEST(task_group, child_failure_cancels_siblings_and_body) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(run(loop, group_block(&loop, &log, {{"a", 1, true}, {"b", 5}}, 10)),
               exception_group_error);
  EXPECT_EQ(log, (log_t{"a ends@1", "b cancelled@1", "body cancelled@1",
                        "ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception) "
                        "[ValueError]@1"}));
}

TEST(task_group, waits_for_cancelled_siblings_cleanup) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(
      run(loop, group_block(&loop, &log, {{"a", 1, true}, {"b", 5, false, on_cancel::cleanup}}, 0)),
      exception_group_error);
  EXPECT_EQ(log, (log_t{"a ends@1", "b cancelled@1", "b cleaned@4",
                        "ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception) "
                        "[ValueError]@4"}));
}

TEST(task_group, failures_are_grouped_in_completion_order) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(run(loop, group_block(&loop, &log,
                                     {{"b", 5, false, on_cancel::raise_other}, {"a", 1, true}}, 0)),
               exception_group_error);
  EXPECT_EQ(log, (log_t{"a ends@1", "b cancelled@1",
                        "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions) "
                        "[ValueError] [KeyError]@1"}));
}

TEST(task_group, body_exception_cancels_children_and_comes_last) {
  event_loop loop;
  log_t log;
  EXPECT_THROW(
      run(loop, group_block(&loop, &log, {{"a", 5, false, on_cancel::raise_other}}, 2, true)),
      exception_group_error);
  EXPECT_EQ(log, (log_t{"a cancelled@2",
                        "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions) "
                        "[KeyError] [RuntimeError]@2"}));
}

task<void> parent_cancel_main(event_loop* loop, log_t* log, std::vector<child_spec> children,
                              loop_time body_d, task<void>* parent) {
  *parent = create_task(*loop, group_block(loop, log, std::move(children), body_d));
  co_await sleep(2);
  parent->cancel("stop");
  try {
    co_await *parent;
  } catch (const error& e) {
    log->push_back("parent " + e.type_name() + at(loop));
  }
}

TEST(task_group, parent_cancellation_cancels_children_and_is_rethrown) {
  event_loop loop;
  log_t log;
  task<void> parent(nullptr);
  run(loop, parent_cancel_main(&loop, &log, {{"a", 5, false, on_cancel::cleanup}}, 10, &parent));
  EXPECT_EQ(log, (log_t{"body cancelled@2", "a cancelled@2", "a cleaned@5", "CancelledError@5",
                        "parent CancelledError@5"}));
  EXPECT_TRUE(parent.cancelled());
}

TEST(task_group, parent_cancellation_waiting_in_exit_aborts_the_group) {
  event_loop loop;
  log_t log;
  task<void> parent(nullptr);
  run(loop, parent_cancel_main(&loop, &log, {{"a", 5}}, 0, &parent));
  EXPECT_EQ(log, (log_t{"a cancelled@2", "CancelledError@2", "parent CancelledError@2"}));
  EXPECT_TRUE(parent.cancelled());
}

TEST(task_group, child_error_wins_over_parent_cancellation) {
  event_loop loop;
  log_t log;
  task<void> parent(nullptr);
  run(loop,
      parent_cancel_main(&loop, &log, {{"a", 5, false, on_cancel::raise_other}}, 10, &parent));
  EXPECT_EQ(log, (log_t{"body cancelled@2", "a cancelled@2",
                        "ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception) "
                        "[KeyError]@2",
                        "parent ExceptionGroup@2"}));
  // 3.13 re-requested the cancellation (taskgroup.parent-cancel.recancel).
  EXPECT_EQ(parent.cancelling(), 1);
}

task<void> recancel_body(event_loop* loop, log_t* log) {
  child_spec a{"a", 5, false, on_cancel::raise_other};
  task_group tg;
  co_await tg.enter();
  std::exception_ptr e;
  try {
    tg.create_task(child(loop, log, a));
    co_await sleep(10);
  } catch (...) {
    e = std::current_exception();
  }
  tg.begin_exit(e);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  try {
    tg.end_exit();
  } catch (const exception_group_error&) {
    log->push_back("group failed" + at(loop));
  }
  try {
    co_await sleep(1);
    log->push_back("slept" + at(loop));
  } catch (const cancelled_error&) {
    log->push_back("cancelled again" + at(loop));
  }
}

task<void> recancel_outer(event_loop* loop, log_t* log) {
  task<void> t = create_task(*loop, recancel_body(loop, log));
  co_await sleep(2);
  t.cancel();
  co_await t;
}

TEST(task_group, recancel_reaches_the_next_suspension_point) {
  event_loop loop;
  log_t log;
  run(loop, recancel_outer(&loop, &log));
  EXPECT_EQ(log, (log_t{"a cancelled@2", "group failed@2", "cancelled again@2"}));
}

task<void> child_cancelled_body(event_loop* loop, log_t* log) {
  child_spec sa{"a", 5}, sb{"b", 2};
  task_group tg;
  co_await tg.enter();
  task<int> a = tg.create_task(child(loop, log, sa));
  tg.create_task(child(loop, log, sb));
  co_await sleep(1);
  a.cancel();
  tg.begin_exit(nullptr);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  tg.end_exit();
  log->push_back("group ok" + at(loop));
}

TEST(task_group, child_cancelled_from_outside_is_not_an_error) {
  event_loop loop;
  log_t log;
  run(loop, child_cancelled_body(&loop, &log));
  EXPECT_EQ(log, (log_t{"a cancelled@1", "b ends@2", "group ok@2"}));
}

task<void> shutting_down_body(event_loop* loop, log_t* log) {
  child_spec sa{"a", 1, true}, late{"late", 1};
  task_group tg;
  co_await tg.enter();
  std::exception_ptr e;
  try {
    tg.create_task(child(loop, log, sa));
    try {
      co_await sleep(5);
    } catch (const cancelled_error&) {
      log->push_back("body cancelled" + at(loop));
    }
    tg.create_task(child(loop, log, late));
  } catch (...) {
    e = std::current_exception();
  }
  tg.begin_exit(e);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  try {
    tg.end_exit();
  } catch (const exception_group_error& g) {
    log->push_back(describe_group(g) + " " + describe(g.exceptions()[1]).message);
  }
}

TEST(task_group, create_task_while_aborting_raises) {
  event_loop loop;
  log_t log;
  run(loop, shutting_down_body(&loop, &log));
  EXPECT_EQ(log, (log_t{"a ends@1", "body cancelled@1",
                        "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions) "
                        "[ValueError] [RuntimeError] TaskGroup is shutting down"}));
}

// taskgroup.uncancel (3.13): timeout(3) around a group whose child fails at t=1 after the
// body finished, then sleep(10): the block ends with TimeoutError at 3.
task<void> uncancel_main(event_loop* loop, log_t* log) {
  timeout_scope cm = timeout(3);
  co_await cm.enter();
  std::exception_ptr e;
  try {
    child_spec sa{"a", 1, true};
    task_group tg;
    co_await tg.enter();
    tg.create_task(child(loop, log, sa));
    tg.begin_exit(nullptr);
    while (tg.has_tasks()) co_await tg.wait_tasks();
    try {
      tg.end_exit();
    } catch (const exception_group_error&) {
      log->push_back("group failed" + at(loop));
    }
    co_await sleep(10);
  } catch (...) {
    e = std::current_exception();
  }
  try {
    cm.exit(e);
  } catch (const error& x) {
    log->push_back("block " + x.type_name() + at(loop));
  }
}

TEST(task_group, uncancel_after_the_wait_keeps_an_enclosing_timeout_working) {
  event_loop loop;
  log_t log;
  run(loop, uncancel_main(&loop, &log));
  EXPECT_EQ(log, (log_t{"a ends@1", "group failed@1", "block TimeoutError@3"}));
}

}  // namespace
}  // namespace aioconform::impl
