#include "impl/event_loop.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aioconform::impl {
namespace {

TEST(event_loop, call_soon_runs_callbacks_in_fifo_order) {
  event_loop loop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) loop.call_soon([&order, i] { order.push_back(i); });
  EXPECT_TRUE(loop.run_once());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

// Compact callbacks of more distinct functions than an entry's index can name, with
// aligned and unaligned arguments, and one put first: FIFO order holds across both forms.
template <int Id>
void record_compact(void* arg, bool run) {
  auto* cell = reinterpret_cast<char*>(arg);
  std::uintptr_t misalignment = reinterpret_cast<std::uintptr_t>(cell) % alignof(std::max_align_t);
  auto* order = reinterpret_cast<std::vector<int>*>(cell - misalignment);
  if (run) order->push_back(Id * 10 + static_cast<int>(misalignment));
}

TEST(event_loop, compact_callbacks_keep_fifo_order_whatever_their_function_and_argument) {
  event_loop loop;
  alignas(std::max_align_t) std::vector<int> order;
  char* base = reinterpret_cast<char*>(&order);
  const ready_fn fns[] = {&record_compact<1>, &record_compact<2>, &record_compact<3>,
                          &record_compact<4>, &record_compact<5>, &record_compact<6>,
                          &record_compact<7>, &record_compact<8>, &record_compact<9>};
  std::vector<int> expected;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 9; ++i) {
      int misalignment = (i + round) % 2 == 0 ? 0 : 3;
      loop.call_soon(fns[i], base + misalignment);
      expected.push_back((i + 1) * 10 + misalignment);
    }
  }
  loop.call_soon_first(fns[8], base + 1);
  expected.insert(expected.begin(), 91);
  EXPECT_EQ(loop.ready_callbacks(), expected.size());
  EXPECT_TRUE(loop.run_once());
  EXPECT_EQ(order, expected);
}

TEST(event_loop, callback_scheduled_during_iteration_runs_next_iteration) {
  event_loop loop;
  std::vector<std::string> order;
  loop.call_soon([&] {
    order.push_back("a");
    loop.call_soon([&] { order.push_back("c"); });
  });
  loop.call_soon([&] { order.push_back("b"); });
  loop.run_once();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b"}));
  loop.run_once();
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(event_loop, virtual_clock_jumps_to_deadline_and_never_fires_early) {
  event_loop loop;
  std::vector<loop_time> fired;
  loop.call_later(5, [&] { fired.push_back(loop.time()); });
  loop.call_later(3, [&] { fired.push_back(loop.time()); });
  EXPECT_EQ(loop.pending_timers(), 2u);
  while (loop.run_once()) {
  }
  EXPECT_EQ(fired, (std::vector<loop_time>{3, 5}));
  EXPECT_EQ(loop.time(), 5);
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(event_loop, clock_does_not_move_while_callbacks_are_ready) {
  event_loop loop;
  loop_time seen = -1;
  loop.call_later(1, [] {});
  loop.call_soon([&] { seen = loop.time(); });
  loop.run_once();
  EXPECT_EQ(seen, 0);
  EXPECT_EQ(loop.time(), 0);
}

TEST(event_loop, equal_deadlines_run_in_scheduling_order) {
  event_loop loop;
  std::string order;
  for (char c : std::string("abcdef")) loop.call_at(4, [&order, c] { order += c; });
  loop.run_once();
  EXPECT_EQ(order, "abcdef");
}

TEST(event_loop, due_timer_joins_ready_queue_behind_queued_callbacks) {
  event_loop loop;
  std::string order;
  loop.call_at(0, [&] { order += 't'; });
  loop.call_soon([&] { order += 's'; });
  loop.run_once();
  EXPECT_EQ(order, "st");
}

TEST(event_loop, cancelled_timer_does_not_run) {
  event_loop loop;
  bool ran = false;
  timer_id id = loop.call_later(2, [&] { ran = true; });
  loop.call_later(3, [] {});
  loop.cancel_timer(id);
  EXPECT_EQ(loop.pending_timers(), 1u);
  while (loop.run_once()) {
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(loop.time(), 3);
}

TEST(event_loop, a_due_timer_cancelled_before_it_runs_does_not_run) {
  // Both timers are due at 2 and join the ready queue together; the first cancels the
  // second before it runs, as as_completed's completion callback cancels its timeout.
  event_loop loop;
  bool ran = false;
  timer_id second = 0;
  loop.call_later(2, [&] { loop.cancel_timer(second); });
  second = loop.call_later(2, [&] { ran = true; });
  while (loop.run_once()) {
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(event_loop, a_due_timer_cancelled_by_a_callback_queued_before_it_does_not_run) {
  event_loop loop;
  bool ran = false;
  timer_id id = loop.call_later(0, [&] { ran = true; });
  loop.call_soon([&] { loop.cancel_timer(id); });
  loop.run_once();
  EXPECT_FALSE(ran);
}

TEST(event_loop, cancelling_a_timer_that_ran_does_nothing) {
  event_loop loop;
  int runs = 0;
  timer_id id = loop.call_later(1, [&] { ++runs; });
  loop.call_later(2, [&] { ++runs; });
  loop.run_once();
  EXPECT_EQ(runs, 1);
  loop.cancel_timer(id);
  loop.cancel_timer(id);
  EXPECT_EQ(loop.pending_timers(), 1u);
  while (loop.run_once()) {
  }
  EXPECT_EQ(runs, 2);
}

TEST(event_loop, a_cancelled_due_timer_drops_its_callback) {
  event_loop loop;
  auto shared = std::make_shared<int>(1);
  timer_id id = loop.call_later(0, [shared] {});
  loop.call_soon([&] { loop.cancel_timer(id); });
  loop.run_once();
  EXPECT_EQ(shared.use_count(), 1);
}

TEST(event_loop, cancelling_a_due_timer_drops_its_callback_at_once) {
  event_loop loop;
  auto shared = std::make_shared<int>(1);
  timer_id id = loop.call_later(0, [shared] {});
  long seen = 0;
  loop.call_soon([&] {
    loop.cancel_timer(id);
    seen = shared.use_count();  // as TimerHandle.cancel() drops its callback
  });
  loop.run_once();
  EXPECT_EQ(seen, 1);
}

TEST(event_loop, run_once_reports_hang_when_nothing_can_run) {
  event_loop loop;
  EXPECT_FALSE(loop.run_once());
}

TEST(event_loop, running_is_set_only_during_iterations) {
  event_loop loop;
  event_loop* seen = nullptr;
  loop.call_soon([&] { seen = event_loop::running(); });
  EXPECT_EQ(event_loop::running(), nullptr);
  loop.run_once();
  EXPECT_EQ(seen, &loop);
  EXPECT_EQ(event_loop::running(), nullptr);
}

TEST(event_loop, steady_clock_timer_fires_after_its_delay) {
  event_loop loop(clock_kind::steady);
  loop_time start = loop.time();
  loop_time fired = -1;
  loop.call_later(2, [&] { fired = loop.time(); });
  while (loop.run_once()) {
  }
  EXPECT_GE(fired, start + 2);
}

TEST(event_loop, unrun_callbacks_are_freed_with_the_loop) {
  auto loop = std::make_unique<event_loop>();
  auto shared = std::make_shared<int>(1);
  loop->call_soon([shared] {});
  loop->call_later(4, [shared] {});
  EXPECT_EQ(shared.use_count(), 3);
  loop.reset();
  EXPECT_EQ(shared.use_count(), 1);
}

}  // namespace
}  // namespace aioconform::impl
