#include "impl/gather.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

// Sleeps d, then returns v, or raises ValueError(name) if v < 0. Logs its end and cancellation.
task<int> child(event_loop* loop, log_t* log, std::string name, loop_time d, int v) {
  try {
    co_await sleep(d);
  } catch (const cancelled_error& e) {
    log->push_back(name + " cancelled '" + e.message() + "'@" + std::to_string(loop->time()));
    throw;
  }
  log->push_back(name + " ends@" + std::to_string(loop->time()));
  if (v < 0) throw error("ValueError", name);
  co_return v;
}

task<std::vector<int>> await_gather(event_loop* loop, log_t* log, future<std::vector<int>> g) {
  try {
    std::vector<int> r = co_await g;
    log->push_back("gather done@" + std::to_string(loop->time()));
    co_return r;
  } catch (const error& e) {
    log->push_back("gather raised " + e.type_name() + " '" + e.message() + "'@" +
                   std::to_string(loop->time()));
    throw;
  }
}

task<std::vector<int>> results_main(event_loop* loop, log_t* log) {
  std::vector<task<int>> children;
  children.push_back(child(loop, log, "a", 3, 1));
  children.push_back(child(loop, log, "b", 1, 2));
  children.push_back(child(loop, log, "c", 2, 3));
  co_return co_await gather(std::move(children));
}

TEST(gather, results_are_in_argument_order_whatever_completion_order) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, results_main(&loop, &log)), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(log, (log_t{"b ends@1", "c ends@2", "a ends@3"}));
}

task<void> first_exception_main(event_loop* loop, log_t* log, std::vector<task<int>>* kids) {
  kids->push_back(child(loop, log, "slow", 5, 1));
  kids->push_back(child(loop, log, "bad", 1, -1));
  kids->push_back(child(loop, log, "bad2", 3, -1));
  auto g = gather(*kids);
  try {
    co_await await_gather(loop, log, g);
  } catch (const error&) {
  }
  co_await sleep(10);  // siblings run to their end meanwhile
}

TEST(gather, first_exception_propagates_and_siblings_keep_running) {
  event_loop loop;
  reports r(loop);
  log_t log;
  std::vector<task<int>> kids;
  run(loop, first_exception_main(&loop, &log, &kids));
  EXPECT_EQ(
      log, (log_t{"bad ends@1", "gather raised ValueError 'bad'@1", "bad2 ends@3", "slow ends@5"}));
  EXPECT_EQ(kids[0].result(), 1);
  kids.clear();
  // bad2's later exception was retrieved by gather's callback (gather.exception.later-retrieved).
  EXPECT_TRUE(r.messages.empty());
}

task<std::vector<outcome<int>>> return_exceptions_main(event_loop* loop, log_t* log) {
  std::vector<task<int>> children;
  children.push_back(child(loop, log, "ok", 2, 7));
  children.push_back(child(loop, log, "bad", 1, -1));
  co_return co_await gather(std::move(children), return_exceptions);
}

TEST(gather, return_exceptions_collects_outcomes_in_argument_order) {
  event_loop loop;
  reports r(loop);
  log_t log;
  auto out = run(loop, return_exceptions_main(&loop, &log));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].ok());
  EXPECT_EQ(*out[0].value, 7);
  EXPECT_FALSE(out[1].ok());
  EXPECT_EQ(describe(out[1].exception).message, "bad");
  EXPECT_EQ(loop.time(), 2);
  EXPECT_TRUE(r.messages.empty());
}

task<void> outer_cancel_main(event_loop* loop, log_t* log, std::vector<task<int>>* kids,
                             bool* cancel_result) {
  kids->push_back(child(loop, log, "a", 5, 1));
  kids->push_back(child(loop, log, "b", 1, 2));
  kids->push_back(child(loop, log, "c", 5, 3));
  auto g = gather(*kids);
  co_await sleep(2);
  *cancel_result = g.cancel("stop");
  try {
    co_await g;
  } catch (const cancelled_error& e) {
    log->push_back("gather raised CancelledError '" + e.message() + "'");
  }
  EXPECT_TRUE(g.done());
  EXPECT_FALSE(g.cancelled());  // gather.cancel.outer-done-not-cancelled
  EXPECT_FALSE(g.cancel());     // gather.cancel.after-done
}

TEST(gather, cancelling_the_gather_cancels_unfinished_children) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  bool cancel_result = false;
  run(loop, outer_cancel_main(&loop, &log, &kids, &cancel_result));
  EXPECT_TRUE(cancel_result);
  EXPECT_EQ(log, (log_t{"b ends@1", "a cancelled 'stop'@2", "c cancelled 'stop'@2",
                        "gather raised CancelledError 'stop'"}));
  EXPECT_TRUE(kids[0].cancelled());
  EXPECT_EQ(kids[1].result(), 2);
  EXPECT_TRUE(kids[2].cancelled());
}

task<void> awaiting_task_cancelled_main(event_loop* loop, log_t* log,
                                        std::vector<task<int>>* kids) {
  kids->push_back(child(loop, log, "a", 5, 1));
  kids->push_back(child(loop, log, "b", 5, 2));
  task<std::vector<int>> waiter = create_task(*loop, await_gather(loop, log, gather(*kids)));
  co_await sleep(1);
  waiter.cancel("w");
  try {
    co_await waiter;
  } catch (const cancelled_error&) {
  }
  EXPECT_TRUE(waiter.cancelled());
}

TEST(gather, cancelling_a_task_awaiting_gather_cancels_children) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  run(loop, awaiting_task_cancelled_main(&loop, &log, &kids));
  EXPECT_EQ(
      log, (log_t{"a cancelled 'w'@1", "b cancelled 'w'@1", "gather raised CancelledError 'w'@1"}));
  EXPECT_TRUE(kids[0].cancelled());
  EXPECT_TRUE(kids[1].cancelled());
}

task<void> child_cancelled_main(event_loop* loop, log_t* log, std::vector<task<int>>* kids) {
  kids->push_back(child(loop, log, "a", 5, 1));
  kids->push_back(child(loop, log, "b", 5, 2));
  auto g = gather(*kids);
  co_await sleep(1);
  (*kids)[0].cancel("direct");
  try {
    co_await g;
  } catch (const cancelled_error& e) {
    log->push_back("gather raised CancelledError '" + e.message() + "'@" +
                   std::to_string(loop->time()));
  }
  co_await (*kids)[1];
}

TEST(gather, child_cancelled_directly_fails_gather_others_keep_running) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  run(loop, child_cancelled_main(&loop, &log, &kids));
  EXPECT_EQ(log, (log_t{"a cancelled 'direct'@1", "gather raised CancelledError 'direct'@1",
                        "b ends@5"}));
}

task<std::vector<int>> empty_main(bool* done_at_call) {
  auto g = gather(std::vector<task<int>>{});
  *done_at_call = g.done();
  co_return co_await g;
}

TEST(gather, empty_is_done_at_once) {
  event_loop loop;
  bool done_at_call = false;
  EXPECT_TRUE(run(loop, empty_main(&done_at_call)).empty());
  EXPECT_TRUE(done_at_call);
}

task<std::vector<int>> duplicates_main(event_loop* loop, log_t* log) {
  task<int> t = child(loop, log, "t", 1, 4);
  std::vector<task<int>> children(2, t);  // not a braced list: g++ 12 rejects one here
  co_return co_await gather(std::move(children));
}

TEST(gather, duplicate_child_fills_each_position) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, duplicates_main(&loop, &log)), (std::vector<int>{4, 4}));
  EXPECT_EQ(log, log_t{"t ends@1"});
}

TEST(gather, unawaited_failed_gather_is_reported) {
  event_loop loop;
  reports r(loop);
  log_t log;
  {
    std::vector<task<int>> kids;
    kids.push_back(create_task(loop, child(&loop, &log, "bad", 1, -1)));
    auto g = gather(kids);
    while (loop.run_once()) {
    }
    EXPECT_TRUE(g.done());
  }
  EXPECT_EQ(r.messages,
            std::vector<std::string>{"_GatheringFuture exception was never retrieved: ValueError"});
}

task<std::string> text(event_loop* loop, log_t* log, std::string name, loop_time d) {
  co_await sleep(d);
  log->push_back(name + " ends@" + std::to_string(loop->time()));
  co_return name;
}

task<void> nothing(event_loop* loop, log_t* log, loop_time d) {
  co_await sleep(d);
  log->push_back("nothing ends@" + std::to_string(loop->time()));
}

task<std::tuple<int, std::string, std::monostate>> variadic_main(event_loop* loop, log_t* log) {
  co_return co_await gather(child(loop, log, "a", 3, 1), text(loop, log, "b", 1),
                            nothing(loop, log, 2));
}

TEST(gather, variadic_results_are_a_tuple_in_argument_order) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, variadic_main(&loop, &log)),
            (std::tuple<int, std::string, std::monostate>{1, "b", {}}));
  EXPECT_EQ(log, (log_t{"b ends@1", "nothing ends@2", "a ends@3"}));
}

task<void> variadic_failure_main(event_loop* loop, log_t* log) {
  try {
    co_await gather(text(loop, log, "slow", 5), child(loop, log, "bad", 1, -1));
  } catch (const error& e) {
    log->push_back("gather raised " + e.type_name() + " '" + e.message() + "'@" +
                   std::to_string(loop->time()));
  }
  co_await sleep(5);
}

TEST(gather, variadic_first_exception_propagates_others_keep_running) {
  event_loop loop;
  log_t log;
  run(loop, variadic_failure_main(&loop, &log));
  EXPECT_EQ(log, (log_t{"bad ends@1", "gather raised ValueError 'bad'@1", "slow ends@5"}));
}

task<std::string> variadic_outcomes_main(event_loop* loop, log_t* log) {
  task<int> c = child(loop, log, "c", 9, 0);
  auto g = gather(return_exceptions, text(loop, log, "ok", 1), child(loop, log, "bad", 2, -1), c);
  co_await sleep(3);
  c.cancel("x");
  auto [ok, bad, cancelled] = co_await g;
  co_return *ok.value + ", " + describe(bad.exception).type_name + " " +
      describe(bad.exception).message + ", " + describe(cancelled.exception).type_name + " '" +
      describe(cancelled.exception).message +
      "', value engaged: " + std::to_string(cancelled.value.has_value());
}

TEST(gather, variadic_return_exceptions_gives_each_outcome) {
  event_loop loop;
  log_t log;
  // '' not 'x': "c" re-raised the cancellation, so its task has no cancel message (CPython
  // 3.13 prints [CancelledError('')] for the same program).
  EXPECT_EQ(run(loop, variadic_outcomes_main(&loop, &log)),
            "ok, ValueError bad, CancelledError '', value engaged: 0");
}

task<bool> variadic_empty_main() {
  auto g = gather();
  bool done_at_call = g.done();
  std::tuple<> r = co_await g;
  (void)r;
  co_return done_at_call;
}

TEST(gather, variadic_empty_is_done_at_once) {
  event_loop loop;
  EXPECT_TRUE(run(loop, variadic_empty_main()));
}

task<void> variadic_cancel_main(event_loop* loop, log_t* log) {
  auto g = gather(child(loop, log, "a", 5, 1), text(loop, log, "b", 5));
  co_await sleep(1);
  log->push_back("cancel returned " + std::to_string(g.cancel("w")));
  try {
    co_await g;
  } catch (const cancelled_error& e) {
    log->push_back("gather raised CancelledError '" + e.message() + "'@" +
                   std::to_string(loop->time()));
  }
}

TEST(gather, variadic_cancel_cancels_every_child) {
  event_loop loop;
  log_t log;
  run(loop, variadic_cancel_main(&loop, &log));
  EXPECT_EQ(
      log, (log_t{"cancel returned 1", "a cancelled 'w'@1", "gather raised CancelledError 'w'@1"}));
}

}  // namespace
}  // namespace aioconform::impl
