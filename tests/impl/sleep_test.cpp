#include "impl/sleep.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "impl/task.h"
#include "tests/impl/exception_reports.h"

namespace aioconform::impl {
namespace {

task<void> alternate(event_loop* loop, log_t* log, std::string name) {
  for (int i = 1; i <= 2; ++i) {
    log->push_back(name + std::to_string(i) + "@" + std::to_string(loop->time()));
    co_await sleep(0);
  }
}

task<void> sleeps(event_loop* loop, log_t* log, std::string name, loop_time d) {
  co_await sleep(d);
  log->push_back(name + "@" + std::to_string(loop->time()));
}

task<void> both(event_loop* loop, log_t* log) {
  create_task(*loop, alternate(loop, log, "a"));
  create_task(*loop, alternate(loop, log, "b"));
  co_await sleep(0);
  co_await sleep(0);
  co_await sleep(0);
}

TEST(sleep, zero_is_a_plain_yield_interleaving_fifo_without_time) {
  event_loop loop;
  log_t log;
  run(loop, both(&loop, &log));
  EXPECT_EQ(log, (log_t{"a1@0", "b1@0", "a2@0", "b2@0"}));
  EXPECT_EQ(loop.time(), 0);
  EXPECT_EQ(loop.pending_timers(), 0u);
}

task<void> three_sleepers(event_loop* loop, log_t* log) {
  auto a = create_task(*loop, sleeps(loop, log, "late", 7));
  auto b = create_task(*loop, sleeps(loop, log, "early", 3));
  co_await a;
  co_await b;
}

TEST(sleep, resumes_exactly_at_deadline_in_deadline_order) {
  event_loop loop;
  log_t log;
  run(loop, three_sleepers(&loop, &log));
  EXPECT_EQ(log, (log_t{"early@3", "late@7"}));
  EXPECT_EQ(loop.time(), 7);
}

TEST(sleep, cancelled_sleep_cancels_its_timer) {
  event_loop loop;
  log_t log;
  task<void> t = create_task(loop, sleeps(&loop, &log, "s", 100));
  loop.run_once();
  EXPECT_EQ(loop.pending_timers(), 1u);
  t.cancel();
  loop.run_until_complete(*t.base());
  EXPECT_TRUE(t.cancelled());
  EXPECT_EQ(loop.pending_timers(), 0u);
  EXPECT_EQ(loop.time(), 0);
  EXPECT_TRUE(log.empty());
}

}  // namespace
}  // namespace aioconform::impl
