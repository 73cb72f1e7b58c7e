#include "impl/wait.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

task<int> child(event_loop* loop, log_t* log, std::string name, loop_time d, int v) {
  co_await sleep(d);
  log->push_back(name + " ends@" + std::to_string(loop->time()));
  if (v < 0) throw error("ValueError", name);
  co_return v;
}

struct sets {
  std::vector<std::string> done;
  std::vector<std::string> pending;
  loop_time returned_at = -1;
};

// Names children by their index in `kids`.
sets describe_sets(event_loop& loop, const std::vector<task<int>>& kids,
                   const wait_result<int>& r) {
  sets s;
  s.returned_at = loop.time();
  for (std::size_t i = 0; i < kids.size(); ++i) {
    for (const auto& t : r.done)
      if (t == kids[i]) s.done.push_back(std::to_string(i));
    for (const auto& t : r.pending)
      if (t == kids[i]) s.pending.push_back(std::to_string(i));
  }
  return s;
}

task<void> wait_main(event_loop* loop, log_t* log, std::vector<task<int>>* kids,
                     std::vector<loop_time> delays, std::vector<int> values, return_when when,
                     std::optional<loop_time> timeout, sets* out) {
  for (std::size_t i = 0; i < delays.size(); ++i) {
    kids->push_back(create_task(*loop, child(loop, log, std::to_string(i), delays[i], values[i])));
  }
  wait_result<int> r = co_await wait(*kids, when, timeout);
  *out = describe_sets(*loop, *kids, r);
  co_await sleep(100);  // let pending children finish
}

TEST(wait, all_completed_returns_when_every_child_is_done) {
  event_loop loop;
  reports r(loop);
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop,
      wait_main(&loop, &log, &kids, {2, 1}, {1, -1}, return_when::all_completed, std::nullopt, &s));
  EXPECT_EQ(s.done, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(s.pending.empty());
  EXPECT_EQ(s.returned_at, 2);
  kids.clear();
  // wait does not retrieve: the failed child is reported (wait.exception.retrieval).
  EXPECT_EQ(r.messages, std::vector<std::string>{"Task exception was never retrieved: ValueError"});
}

TEST(wait, first_completed_returns_at_first_and_others_keep_running) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop, wait_main(&loop, &log, &kids, {3, 1, 5}, {1, 2, 3}, return_when::first_completed,
                      std::nullopt, &s));
  EXPECT_EQ(s.done, std::vector<std::string>{"1"});
  EXPECT_EQ(s.pending, (std::vector<std::string>{"0", "2"}));
  EXPECT_EQ(s.returned_at, 1);
  EXPECT_EQ(log, (log_t{"1 ends@1", "0 ends@3", "2 ends@5"}));
}

TEST(wait, first_exception_returns_at_failure_and_retrieves_it) {
  event_loop loop;
  reports r(loop);
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop, wait_main(&loop, &log, &kids, {1, 2, 4}, {1, -1, 3}, return_when::first_exception,
                      std::nullopt, &s));
  EXPECT_EQ(s.done, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(s.pending, std::vector<std::string>{"2"});
  EXPECT_EQ(s.returned_at, 2);
  kids.clear();
  EXPECT_TRUE(r.messages.empty());
}

task<void> first_exception_cancelled_main(event_loop* loop, log_t* log,
                                          std::vector<task<int>>* kids, sets* out) {
  kids->push_back(create_task(*loop, child(loop, log, "0", 5, 1)));
  kids->push_back(create_task(*loop, child(loop, log, "1", 9, 1)));
  task<wait_result<int>> w = wait(*kids, return_when::first_exception);
  create_task(*loop, w);
  co_await sleep(1);
  (*kids)[1].cancel();
  wait_result<int> r = co_await w;
  *out = describe_sets(*loop, *kids, r);
}

TEST(wait, cancelled_child_is_not_an_exception_for_first_exception) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop, first_exception_cancelled_main(&loop, &log, &kids, &s));
  EXPECT_EQ(s.returned_at, 5);
  EXPECT_EQ(s.done, (std::vector<std::string>{"0", "1"}));
}

TEST(wait, timeout_returns_at_deadline_without_cancelling) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop,
      wait_main(&loop, &log, &kids, {1, 10}, {1, 2}, return_when::all_completed, loop_time{4}, &s));
  EXPECT_EQ(s.returned_at, 4);
  EXPECT_EQ(s.done, std::vector<std::string>{"0"});
  EXPECT_EQ(s.pending, std::vector<std::string>{"1"});
  EXPECT_EQ(log, (log_t{"0 ends@1", "1 ends@10"}));
  EXPECT_EQ(kids[1].result(), 2);
}

TEST(wait, timeout_not_reached_returns_early_and_cancels_timer) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  sets s;
  run(loop,
      wait_main(&loop, &log, &kids, {1, 2}, {1, 2}, return_when::all_completed, loop_time{50}, &s));
  EXPECT_EQ(s.returned_at, 2);
  EXPECT_EQ(s.done.size(), 2u);
  EXPECT_EQ(loop.time(), 102);  // the 50 timer did not keep the clock going to 50 first
}

task<void> waiter_cancelled_main(event_loop* loop, log_t* log, std::vector<task<int>>* kids) {
  kids->push_back(create_task(*loop, child(loop, log, "0", 3, 1)));
  task<wait_result<int>> w = create_task(*loop, wait(*kids));
  co_await sleep(1);
  EXPECT_TRUE(w.cancel());
  co_await sleep(5);
  EXPECT_TRUE(w.cancelled());
}

TEST(wait, cancelling_the_waiter_leaves_children_running) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> kids;
  run(loop, waiter_cancelled_main(&loop, &log, &kids));
  EXPECT_EQ(kids[0].result(), 1);
  EXPECT_EQ(log, log_t{"0 ends@3"});
}

task<void> empty_main() {
  co_await wait(std::vector<task<int>>{});
}

TEST(wait, empty_raises_value_error_when_awaited) {
  event_loop loop;
  try {
    run(loop, empty_main());
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.type_name(), "ValueError");
    EXPECT_EQ(e.message(), "Set of Tasks/Futures is empty.");
  }
}

}  // namespace
}  // namespace aioconform::impl
