#pragma once

#include <coroutine>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/outcome.h"

namespace aioconform::impl {

/// The untyped part of a task: asyncio's Task.__step, cancel() and the cancel counters.
///
/// Invariant: a scheduled task that is not done is registered with its loop, which holds
/// one reference to it; `fut_waiter_` is the future it is suspended on, if any;
/// `must_cancel_` (kept with its other flags in future_base's last word) means a
/// cancellation was requested and not yet delivered or forwarded;
/// `resume_point_` is the innermost frame of the chain of coroutines it runs (its own, or
/// one it awaits inline). The coroutine frame holds this object (the promise): destroy()
/// destroys the frame.
class task_base : public future_base, public task_link {
 public:
  /// Task.cancel (3.13). Done: returns false and clears the never-retrieved flag
  /// (task.cancel.return-value.done, task.exception.cancel-silences). Pending: counts the
  /// request (task.cancelling), cancels the awaited future or task with `msg`
  /// (task.cancel.forwards-to-awaited) or else arranges for cancelled_error(msg) to be
  /// thrown at the next resumption (task.cancel.delivery.next-resumption); returns true,
  /// also for repeated requests (task.cancel.return-value.twice). Not immediate
  /// (task.cancel.not-immediate).
  bool cancel(std::string msg = "") override;
  /// Number of cancellation requests not undone by uncancel() (task.cancelling).
  int cancelling() const noexcept { return num_cancels_requested(); }
  /// Removes one request (not below zero); at zero drops an undelivered cancellation,
  /// as 3.13 does (task.uncancel.clears-pending). Returns the new count.
  int uncancel() noexcept;
  const char* kind() const noexcept override { return "Task"; }

  /// Task._log_destroy_pending = False: destroying it while pending reports nothing. gather
  /// does it to the tasks it makes of coroutines, whose holder cannot control them.
  void disable_destroy_pending_log() noexcept { log_destroy_pending_ = false; }

  /// Whether create_task bound it to a loop.
  bool scheduled() const noexcept { return loop_ != nullptr; }
  /// create_task: binds to `loop` and schedules the first step with call_soon
  /// (task.start.next-iteration). Does nothing if already scheduled.
  void schedule(event_loop& loop);

  // Used by awaiters while this task's coroutine runs.

  /// The task whose steps run this coroutine: itself, or the awaiting coroutine's runner
  /// while it is awaited inline, as `await coro()` runs in the awaiting Task. Awaiters suspend,
  /// yield and deliver cancellation through it, as CPython does through the one Task.__step.
  task_base& runner() noexcept { return inline_ ? *caller_->runner : *this; }

  /// Suspends on `f`: this task's next step runs from `f`'s done callback
  /// (task.await.resume).
  void suspend_on(future_base& f);
  /// Suspends for one pass of the ready queue (loop.sleep-zero.yield).
  void yield_now();
  /// Throws the cancelled_error being delivered at this resumption, if any.
  void rethrow_injected();
  /// rethrow_injected() without throwing: hands out that error, or null.
  std::exception_ptr take_injected() noexcept;

  /// Where an inline-awaited coroutine returns to: the awaiting frame and its runner.
  struct inline_caller {
    task_base* runner;
    std::coroutine_handle<> continuation;
  };
  /// `await coro()`: runs this unscheduled, unstarted task's coroutine inside `caller`'s
  /// runner, now; returns the frame to transfer to. Precondition: !scheduled().
  std::coroutine_handle<> start_inline(inline_caller& caller) noexcept;
  /// At final suspension: the frame to transfer to (the inline caller's, or none).
  std::coroutine_handle<> final_transfer() noexcept;

 protected:
  explicit task_base(std::coroutine_handle<> handle) noexcept
      : future_base(nullptr), resume_point_(handle) {
    is_task_ = true;
  }

  /// unhandled_exception() or `co_return raised{e}`: what left the coroutine is held until
  /// finish().
  void set_raised(std::exception_ptr e) noexcept {
    set_held_exception(std::move(e));
    held_ = held::raised;
  }

 private:
  /// The ready-queue entry of a step; it holds a reference to the task.
  static void run_step(void* self, bool run);
  static void wakeup(void* ctx, future_base*);
  /// tasks.py Task.__step; `woke_by` is the future whose completion resumed the task, if any.
  void step(const future_base* woke_by = nullptr);
  void finish();
  /// Whether the held exception is what left the coroutine; clears anything else held.
  bool take_raised() noexcept;
  /// Marks an inline-awaited task done with what its coroutine returned or raised.
  void finish_inline() noexcept;

  std::coroutine_handle<> resume_point_;  ///< the frame the next step resumes
  // A task awaited inline never suspends on a future itself (its runner does), so the two
  // pointers share storage; `inline_` says which one is live.
  union {
    future_base* fut_waiter_ = nullptr;  ///< asyncio's _fut_waiter, unless inline_
    inline_caller* caller_;              ///< the awaiting frame, while inline_
  };
};

template <class T>
class task;

/// What a task's coroutine returns to finish with an exception without throwing it:
/// `co_return raised{e};` ends the task exactly as `std::rethrow_exception(e)` escaping
/// the coroutine would (the same object; a cancelled_error cancels it), minus the unwinding.
/// `exception` must not be null. A task<T>'s coroutine may also `co_return` an outcome<T>
/// (outcome_of.h), its value or its exception. Neither is for task<void>, whose coroutine
/// returns void.
struct raised {
  std::exception_ptr exception;
};

/// What asyncio's ensure_future does to a combinator's child: an unscheduled task (a
/// coroutine) is scheduled on `loop`; a scheduled task or any other future is taken as it
/// is (gather.wraps-coroutines).
inline void ensure_scheduled(future_base& f, event_loop& loop) {
  if (f.is_task() && !f.loop()) static_cast<task_base&>(f).schedule(loop);
}

namespace detail {

/// Final suspension: hands control back to an inline caller, else to the task's step.
struct final_awaiter {
  bool await_ready() const noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    return h.promise().final_transfer();
  }
  void await_resume() const noexcept {}
};

template <class T>
class task_promise_common : public task_base, public value_slot<T> {
 public:
  explicit task_promise_common(std::coroutine_handle<> handle) noexcept : task_base(handle) {}
  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept { this->set_raised(std::current_exception()); }
  task<T> get_return_object() noexcept;
  void* value_storage() noexcept final { return static_cast<value_slot<T>*>(this); }
};

template <class T>
class task_promise : public task_promise_common<T> {
 public:
  task_promise() noexcept
      : task_promise_common<T>(std::coroutine_handle<task_promise>::from_promise(*this)) {}
  template <class U>
  requires(!std::is_same_v<std::remove_cvref_t<U>, raised> &&
           !std::is_same_v<std::remove_cvref_t<U>, outcome<T>>) void return_value(U&& v) {
    this->value.emplace(std::forward<U>(v));
  }
  void return_value(raised r) noexcept { this->set_raised(std::move(r.exception)); }
  /// `co_return co_await outcome_of(x);`: the task ends as x did, with its value or exception.
  void return_value(outcome<T> o) {
    if (o.exception) {
      this->set_raised(std::move(o.exception));
    } else {
      this->value.emplace(std::move(*o.value));
    }
  }

 protected:
  void destroy() noexcept override {
    std::coroutine_handle<task_promise>::from_promise(*this).destroy();
  }
};

template <>
class task_promise<void> : public task_promise_common<void> {
 public:
  task_promise() noexcept
      : task_promise_common<void>(std::coroutine_handle<task_promise>::from_promise(*this)) {}
  void return_void() noexcept { this->value.emplace(); }

 protected:
  void destroy() noexcept override {
    std::coroutine_handle<task_promise>::from_promise(*this).destroy();
  }
};

}  // namespace detail

/// An asyncio Task running a C++20 coroutine that returns T; a future<T> handle.
///
/// Calling a coroutine `task<T> f()` creates the task unscheduled (the frame suspended at
/// its start, like an unawaited coroutine object); create_task() schedules it, and so do
/// gather, wait and the other combinators (gather.wraps-coroutines). Awaiting an unscheduled
/// task runs it inline, like `await coro()` (no SPEC.md clause names it yet): its body runs at
/// once in the awaiting task, with no task and no loop iteration of its own; it suspends,
/// is cancelled and times out as part of the awaiting task, and its value or exception
/// (a cancelled_error included) comes out of the co_await. It is then done, with that
/// outcome, and never becomes a task.
///
/// On success the task finishes with the co_returned value. If an exception leaves the
/// coroutine the task finishes with it; a cancelled_error leaving it cancels the task
/// (task.cancelled.state, task.raise-cancelled), and awaiters see that very error
/// (task.cancel.message.awaiter, 3.11+). On cancel() see task_base::cancel; the coroutine
/// may catch the cancelled_error and return (the task finishes with that value,
/// task.cancel.swallow) or throw something else (task.cancel.raise-other).
template <class T>
class task : public future<T> {
 public:
  using promise_type = detail::task_promise<T>;

  explicit task(detail::task_promise_common<T>* p) noexcept : future<T>(p) {}

  // The future's object is the promise: no second pointer per handle.
  task_base* base() const noexcept { return static_cast<task_base*>(this->base_); }
  bool scheduled() const noexcept { return base()->scheduled(); }
  int cancelling() const noexcept { return base()->cancelling(); }
  int uncancel() noexcept { return base()->uncancel(); }
};

template <class T>
task<T> detail::task_promise_common<T>::get_return_object() noexcept {
  return task<T>(this);
}

/// Schedules `t` on `loop` (task.start.next-iteration) and returns it.
template <class T>
task<T> create_task(event_loop& loop, task<T> t) {
  t.base()->schedule(loop);
  return t;
}

namespace detail {

/// Awaits a future or task from inside a task.
template <class T>
class future_awaiter {
 public:
  future_awaiter(future<T> f, task_base* unscheduled) noexcept
      : future_(std::move(f)), unscheduled_(unscheduled) {}
  bool await_ready() const noexcept { return future_.done(); }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) {
    task_base& runner = h.promise().runner();
    if (unscheduled_ && !unscheduled_->scheduled()) {
      caller_ = {&runner, h};
      return unscheduled_->start_inline(caller_);
    }
    waiter_ = &runner;
    runner.suspend_on(*future_.base());
    return std::noop_coroutine();
  }
  T await_resume() {
    outcome<T> o = resume_outcome();
    if (o.exception) std::rethrow_exception(std::move(o.exception));
    if constexpr (!std::is_void_v<T>) return std::move(*o.value);
  }
  /// await_resume() without throwing: the value, or the exception it would throw.
  outcome<T> resume_outcome() {
    // Inline, a cancellation was delivered inside the awaited coroutine, not here.
    if (waiter_) {
      if (std::exception_ptr injected = waiter_->take_injected()) return {std::nullopt, injected};
    }
    if (std::exception_ptr e = future_.base()->result_exception()) return {std::nullopt, e};
    if constexpr (std::is_void_v<T>) {
      return {std::monostate{}, nullptr};
    } else if (future_.base()->sole_reference()) {
      // `co_await gather(...)`: nobody else can read the value, so it is moved, not copied.
      return {std::move(*future_.slot()->value), nullptr};
    } else {
      return {*future_.slot()->value, nullptr};
    }
  }

 private:
  future<T> future_;
  task_base* unscheduled_;
  task_base* waiter_ = nullptr;
  task_base::inline_caller caller_{};
};

}  // namespace detail

/// Awaiting a future in a task: its outcome (task.await.outcome), suspending while pending.
template <class T>
detail::future_awaiter<T> operator co_await(const future<T>& f) {
  return detail::future_awaiter<T>(f, nullptr);
}
/// The same for a temporary future, whose reference the awaiter takes over.
template <class T>
detail::future_awaiter<T> operator co_await(future<T>&& f) {
  return detail::future_awaiter<T>(std::move(f), nullptr);
}
/// Awaiting a task: as a future if it is scheduled; inline, like `await coro()`, if not.
template <class T>
detail::future_awaiter<T> operator co_await(const task<T>& t) {
  return detail::future_awaiter<T>(t, t.base());
}

/// Schedules `t` if needed, runs `loop` until `t` is done, and returns its result (or
/// throws its exception). Throws error("RuntimeError") if the loop hangs first.
template <class T>
T run_until_complete(event_loop& loop, task<T> t) {
  // base_events.py: a task made here of a coroutine is not reported if destroyed pending.
  if (!t.scheduled()) t.base()->disable_destroy_pending_log();
  t.base()->schedule(loop);
  loop.run_until_complete(*t.base());
  return t.result();
}

/// asyncio.run's shutdown (runners.py: _cancel_all_tasks): cancels every task of `loop`
/// that is not done, once and without a message (run.shutdown.cancel-leftover), runs the
/// loop until all of them are done (run.shutdown.waits-for-leftover), and reports each one
/// that ended with an exception other than a cancellation as "unhandled exception during
/// asyncio.run() shutdown", retrieving it (run.shutdown.exception-reported).
void cancel_all_tasks(event_loop& loop);

/// asyncio.run(main): runs `main` as a task until done (run.main, run.stop), performs the
/// shutdown of cancel_all_tasks, then returns main's result or throws its exception
/// (run.main-raises). Throws error("RuntimeError") if the loop hangs.
template <class T>
T run(event_loop& loop, task<T> main) {
  main.base()->schedule(loop);
  loop.run_until_complete(*main.base());
  cancel_all_tasks(loop);
  return main.result();
}

}  // namespace aioconform::impl
