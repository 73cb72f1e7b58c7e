#include "impl/as_completed.h"

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
  log->push_back("child " + std::to_string(v) + " ends@" + std::to_string(loop->time()));
  if (v < 0) throw error("ValueError", std::to_string(v));
  co_return v;
}

task<void> consume(event_loop* loop, log_t* log, std::vector<loop_time> delays,
                   std::vector<int> values, std::optional<loop_time> timeout) {
  std::vector<task<int>> kids;
  for (std::size_t i = 0; i < delays.size(); ++i)
    kids.push_back(child(loop, log, delays[i], values[i]));
  auto it = as_completed(kids, timeout);
  while (it.has_next()) {
    try {
      int v = co_await it.next();
      log->push_back("item " + std::to_string(v) + "@" + std::to_string(loop->time()));
    } catch (const error& e) {
      log->push_back("item raised " + e.type_name() + "@" + std::to_string(loop->time()));
    }
  }
  co_await sleep(20);
}

TEST(as_completed, items_come_in_completion_order_with_exceptions_per_item) {
  event_loop loop;
  log_t log;
  run(loop, consume(&loop, &log, {3, 1, 2}, {1, 2, -3}, std::nullopt));
  EXPECT_EQ(log, (log_t{"child 2 ends@1", "item 2@1", "child -3 ends@2", "item raised ValueError@2",
                        "child 1 ends@3", "item 1@3"}));
}

TEST(as_completed, timeout_raises_for_remaining_items_without_cancelling) {
  event_loop loop;
  log_t log;
  run(loop, consume(&loop, &log, {1, 10}, {1, 2}, loop_time{5}));
  EXPECT_EQ(log,
            (log_t{"child 1 ends@1", "item 1@1", "item raised TimeoutError@5", "child 2 ends@10"}));
}

task<int> async_for_form(event_loop* loop, log_t* log) {
  std::vector<task<int>> kids;
  kids.push_back(child(loop, log, 2, 7));
  task<int> first = kids[0];
  kids.push_back(first);  // a duplicate is one child
  auto it = as_completed(kids);
  future<int> f = co_await it.next_future();
  EXPECT_FALSE(it.has_next());
  EXPECT_TRUE(f == first);
  co_return f.result();
}

TEST(as_completed, async_for_form_yields_the_child_itself) {
  event_loop loop;
  log_t log;
  EXPECT_EQ(run(loop, async_for_form(&loop, &log)), 7);
}

}  // namespace
}  // namespace aioconform::impl
