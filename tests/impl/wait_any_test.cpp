#include "impl/wait_any.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

std::string at(event_loop* loop) {
  return "@" + std::to_string(loop->time());
}

task<int> child(event_loop* loop, log_t* log, std::string name, loop_time d, bool fails = false) {
  try {
    co_await sleep(d);
  } catch (const cancelled_error&) {
    log->push_back(name + " cancelled" + at(loop));
    throw;
  }
  log->push_back(name + " ends" + at(loop));
  if (fails) throw error("ValueError", name);
  co_return 1;
}

std::string names(const std::vector<future<int>>& ts, const std::vector<task<int>>& all) {
  std::string s;
  for (const future<int>& t : ts) {
    s += static_cast<char>('a' + (std::find(all.begin(), all.end(), t) - all.begin()));
  }
  return s;
}

// Creates children a, b, c (delays `ds`, a fails if `a_fails`), awaits wait_any and logs
// the sets and the children's states right after it returned.
task<void> wait_any_main(event_loop* loop, log_t* log, std::vector<loop_time> ds,
                         std::optional<loop_time> timeout, bool a_fails,
                         std::vector<task<int>>* all) {
  for (std::size_t i = 0; i < ds.size(); ++i) {
    std::string name(1, static_cast<char>('a' + i));
    all->push_back(create_task(*loop, child(loop, log, name, ds[i], i == 0 && a_fails)));
  }
  wait_result<int> r = co_await wait_any(*all, timeout);
  std::string pending_now;
  for (const task<int>& t : *all) pending_now += t.done() ? '-' : 'p';
  log->push_back("done=" + names(r.done, *all) + " pending=" + names(r.pending, *all) + " " +
                 pending_now + at(loop));
  co_await sleep(0);
  co_await sleep(0);
}

TEST(wait_any, first_completed_cancels_the_rest_in_argument_order) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> all;
  run(loop, wait_any_main(&loop, &log, {3, 1, 5}, std::nullopt, false, &all));
  EXPECT_EQ(log, (log_t{"b ends@1", "done=b pending=ac p-p@1", "a cancelled@1", "c cancelled@1"}));
  EXPECT_TRUE(all[0].cancelled());
  EXPECT_TRUE(all[2].cancelled());
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(wait_any, failed_child_counts_as_completed_and_is_not_retrieved) {
  event_loop loop;
  reports r(loop);
  log_t log;
  {
    std::vector<task<int>> all;
    run(loop, wait_any_main(&loop, &log, {1, 4}, std::nullopt, true, &all));
    EXPECT_EQ(log, (log_t{"a ends@1", "done=a pending=b -p@1", "b cancelled@1"}));
    EXPECT_TRUE(r.messages.empty());
  }
  EXPECT_EQ(r.messages, std::vector<std::string>{"Task exception was never retrieved: ValueError"});
}

TEST(wait_any, timeout_returns_all_pending_and_cancels_them) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> all;
  run(loop, wait_any_main(&loop, &log, {5, 6}, 2, false, &all));
  EXPECT_EQ(log, (log_t{"done= pending=ab pp@2", "a cancelled@2", "b cancelled@2"}));
}

task<void> cancelled_main(event_loop* loop, log_t* log, std::vector<task<int>>* all) {
  all->push_back(create_task(*loop, child(loop, log, "a", 5)));
  all->push_back(create_task(*loop, child(loop, log, "b", 6)));
  task<wait_result<int>> w = create_task(*loop, wait_any(*all));
  co_await sleep(1);
  w.cancel("stop");
  try {
    co_await w;
  } catch (const cancelled_error& e) {
    log->push_back("wait_any cancelled '" + e.message() + "'" + at(loop));
  }
  co_await sleep(0);
}

TEST(wait_any, cancelled_waiter_cancels_every_child_and_reraises) {
  event_loop loop;
  log_t log;
  std::vector<task<int>> all;
  run(loop, cancelled_main(&loop, &log, &all));
  // The task's last step cancels the children before it ends: they run before its awaiter.
  EXPECT_EQ(log, (log_t{"a cancelled@1", "b cancelled@1", "wait_any cancelled 'stop'@1"}));
  EXPECT_TRUE(all[0].cancelled());
  EXPECT_TRUE(all[1].cancelled());
}

task<void> done_child_silenced_main(event_loop* loop, std::vector<task<int>>* all, log_t* log) {
  all->push_back(create_task(*loop, child(loop, log, "a", 1, true)));
  all->push_back(create_task(*loop, child(loop, log, "b", 1)));
  task<wait_result<int>> w = create_task(*loop, wait_any(*all));
  co_await sleep(1);
  co_await sleep(0);  // a and b are done now; wait() has not seen them yet
  EXPECT_TRUE((*all)[0].done());
  w.cancel();
  try {
    co_await w;
  } catch (const cancelled_error&) {
    log->push_back("wait_any cancelled" + at(loop));
  }
}

TEST(wait_any, cancel_calls_on_done_children_silence_their_reports) {
  event_loop loop;
  reports r(loop);
  log_t log;
  {
    std::vector<task<int>> all;
    run(loop, done_child_silenced_main(&loop, &all, &log));
    EXPECT_EQ(log, (log_t{"a ends@1", "b ends@1", "wait_any cancelled@1"}));
  }
  EXPECT_TRUE(r.messages.empty());  // task.exception.cancel-silences
}

task<void> empty_main() {
  co_await wait_any(std::vector<task<int>>{});
}

TEST(wait_any, no_children_is_a_value_error) {
  event_loop loop;
  try {
    run(loop, empty_main());
    FAIL() << "no exception";
  } catch (const error& e) {
    EXPECT_EQ(e.type_name(), "ValueError");
  }
}

}  // namespace
}  // namespace aioconform::impl
