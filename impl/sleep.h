#pragma once

#include <coroutine>
#include <optional>

#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/outcome.h"
#include "impl/task.h"

namespace aioconform::impl {

/// The awaitable returned by sleep().
class sleep_awaiter {
 public:
  explicit sleep_awaiter(loop_time delay) noexcept : delay_(delay) {}
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    suspend(h.promise().runner());
  }
  void await_resume();
  /// await_resume() without throwing: empty, or the cancelled_error it would throw.
  outcome<void> resume_outcome();

 private:
  static void fire(void* ctx, future_base* fut);
  void suspend(task_base& waiter);

  loop_time delay_;
  task_base* waiter_ = nullptr;
  std::optional<future<void>> timer_future_;
  timer_id timer_ = 0;
  bool fired_ = false;
};

/// asyncio.sleep(delay), in loop-time units, awaited in a task.
///
/// delay <= 0: a plain yield; the task resumes after everything that was ready when it
/// yielded, at the same instant (loop.sleep-zero.yield). delay > 0: the task resumes no
/// earlier than time() + delay (loop.timer.never-early), exactly then on the virtual clock
/// (loop.timer.virtual-exact). On cancellation the cancelled_error is thrown at the await
/// (task.cancel.delivery.next-resumption) and the timer is cancelled.
inline sleep_awaiter sleep(loop_time delay) noexcept {
  return sleep_awaiter(delay);
}

}  // namespace aioconform::impl
