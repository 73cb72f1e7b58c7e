#include "impl/shield.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/sleep.h"
#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

task<int> child(event_loop* loop, log_t* log, loop_time d, int v) {
  co_await sleep(d);
  log->push_back("child ends@" + std::to_string(loop->time()));
  if (v < 0) throw error("ValueError", "child");
  co_return v;
}

task<int> passthrough_main(event_loop* loop, log_t* log) {
  co_return co_await shield(child(loop, log, 2, 5));
}

TEST(shield, passes_the_child_result_through) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, passthrough_main(&loop, &log)), 5);
  EXPECT_EQ(log, log_t{"child ends@2"});
}

task<void> outer_cancel_main(event_loop* loop, log_t* log, task<int>* inner) {
  *inner = create_task(*loop, child(loop, log, 3, 8));
  future<int> outer = shield(*inner);
  co_await sleep(1);
  EXPECT_TRUE(outer.cancel("x"));
  EXPECT_TRUE(outer.cancelled());  // at once: a plain future
  try {
    co_await outer;
  } catch (const cancelled_error& e) {
    log->push_back("awaiter cancelled '" + e.message() + "'@" + std::to_string(loop->time()));
  }
  log->push_back("inner result " + std::to_string(co_await *inner));
}

TEST(shield, cancelling_the_shield_leaves_the_child_running) {
  event_loop loop;
  log_t log;
  task<int> inner(nullptr);
  run(loop, outer_cancel_main(&loop, &log, &inner));
  EXPECT_EQ(log, (log_t{"awaiter cancelled 'x'@1", "child ends@3", "inner result 8"}));
}

task<void> detached_main(event_loop* loop, log_t* log) {
  task<int> inner = create_task(*loop, child(loop, log, 3, -1));
  future<int> outer = shield(inner);
  co_await sleep(1);
  outer.cancel();
  co_await sleep(5);
}

TEST(shield, detached_child_exception_is_reported_as_never_retrieved) {
  event_loop loop;
  reports r(loop);
  log_t log;
  run(loop, detached_main(&loop, &log));
  EXPECT_EQ(r.messages, std::vector<std::string>{"Task exception was never retrieved: ValueError"});
}

task<void> done_shortcut_main(event_loop* loop, log_t* log, bool* same) {
  task<int> inner = create_task(*loop, child(loop, log, 0, 1));
  co_await inner;
  *same = shield(inner) == inner;
}

TEST(shield, done_child_is_returned_itself) {
  event_loop loop;
  bool same = false;
  log_t log;
  run(loop, done_shortcut_main(&loop, &log, &same));
  EXPECT_TRUE(same);
}

}  // namespace
}  // namespace aioconform::impl
