#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/task.h"

namespace aioconform::impl {

/// The builtin TimeoutError (3.11+: asyncio.TimeoutError is an alias of it,
/// wait_for.timeout.error-class), raised by timeout blocks and wait_for.
class timeout_error : public error {
 public:
  explicit timeout_error(std::string message = "") : error("TimeoutError", std::move(message)) {}
};

/// The awaitable returned by current_task(): it does not suspend.
class current_task_awaiter {
 public:
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) noexcept {
    task_ = &h.promise().runner();
    return false;  // resume at once: no iteration passes
  }
  task_base* await_resume() const noexcept { return task_; }

 private:
  task_base* task_ = nullptr;
};

/// asyncio.current_task(), awaited in a task: `task_base* self = co_await current_task();`.
inline current_task_awaiter current_task() noexcept {
  return {};
}

/// asyncio.Timeout (3.13 timeouts.py): the state of one `async with timeout(...)` block.
///
/// C++ has no async context manager, so a block is written out:
///
///     timeout_scope cm = timeout(5);
///     co_await cm.enter();                      // __aenter__
///     std::exception_ptr e;
///     try { ...block... } catch (...) { e = std::current_exception(); }
///     cm.exit(e);                               // __aexit__: rethrows e or throws TimeoutError
///
/// On success (the block ends before the deadline) exit() disarms the timer and returns
/// (timeout.no-expire, timeout.disarmed-on-exit). At the deadline the task running the block
/// is cancelled without a message (timeout.expire), which reaches the awaited task if any
/// (timeout.waits-for-cancellation). exit() then withdraws that request (uncancel()) and,
/// if the task's cancel count is back to its value at entry and a cancelled_error is
/// leaving the block, throws timeout_error instead (timeout.cancelling-baseline). A child's
/// failure or any other exception leaving the block passes through unchanged, expired or
/// not (timeout.inner-raises; 3.13's TimeoutError chained into its context has no
/// counterpart here). A block that absorbed the cancellation ends normally
/// (timeout.swallowed). An outside cancellation during the block stays a cancelled_error
/// (timeout.external-cancel); nested blocks each convert only their own expiry
/// (timeout.nested.inner-first, timeout.nested.outer-first). A deadline of nullopt never
/// expires (timeout.none); one at or before time() expires through call_soon on entry
/// (timeout.zero).
///
/// Invariant: `handler_` is set exactly while an expiry is scheduled and has not run (state
/// entered); the scheduled callback holds a copy and does nothing once it is reset.
/// Neither copyable nor movable: the scheduled callback refers to it.
class timeout_scope {
 public:
  enum class state { created, entered, expiring, expired, exited };

  /// Timeout(when): a deadline in loop time, or nullopt for none.
  explicit timeout_scope(std::optional<loop_time> when) noexcept : when_(when) {}
  ~timeout_scope();
  timeout_scope(const timeout_scope&) = delete;
  timeout_scope& operator=(const timeout_scope&) = delete;

  /// The awaitable of __aenter__: binds to the running task, records its cancelling()
  /// and schedules the expiry. Does not suspend. Throws error("RuntimeError") if entered
  /// before.
  class enter_awaiter {
   public:
    explicit enter_awaiter(timeout_scope* scope) noexcept : scope_(scope) {}
    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) {
      scope_->enter(h.promise().runner());
      return false;
    }
    void await_resume() const noexcept {}

   private:
    timeout_scope* scope_;
  };
  enter_awaiter enter() noexcept { return enter_awaiter(this); }

  /// __aexit__ with `e` the exception leaving the block (null if none): disarms the timer,
  /// converts as described above, else rethrows `e` if any.
  void exit(std::exception_ptr e);
  /// exit() without throwing: returns what it would throw (the TimeoutError or `e`), or
  /// null when the block ends normally.
  [[nodiscard]] std::exception_ptr exit_exception(std::exception_ptr e);

  /// The current deadline.
  std::optional<loop_time> when() const noexcept { return when_; }
  /// Moves the deadline (nullopt disarms). Throws error("RuntimeError") unless entered.
  void reschedule(std::optional<loop_time> when);
  /// Whether the block expired (its own cancel() was sent).
  bool expired() const noexcept { return state_ == state::expiring || state_ == state::expired; }
  state current_state() const noexcept { return state_; }

 private:
  void enter(task_base& task);
  void cancel_handler() noexcept;
  void on_timeout();

  std::optional<loop_time> when_;
  state state_ = state::created;
  task_base* task_ = nullptr;                ///< the task running the block (it owns this object)
  int cancelling_ = 0;                       ///< task_->cancelling() at entry
  std::shared_ptr<timeout_scope*> handler_;  ///< the scheduled expiry's link to this
  timer_id timer_ = 0;                       ///< its timer, 0 when queued by call_soon
};

/// asyncio.timeout(delay): a block expiring at time() + delay, or never for nullopt.
/// Needs a running loop.
timeout_scope timeout(std::optional<loop_time> delay);
/// asyncio.timeout_at(when): a block expiring at loop time `when`, or never.
inline timeout_scope timeout_at(std::optional<loop_time> when) {
  return timeout_scope(when);
}

}  // namespace aioconform::impl
