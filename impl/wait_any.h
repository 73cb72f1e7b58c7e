#pragma once

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"
#include "impl/wait.h"

namespace aioconform::impl {

namespace detail {

/// The future wait_any() returns, standing for the recipe's coroutine frame.
///
/// Invariant: `driver` is the wait_any_driver task while it runs and this future is
/// pending, else null; it holds no reference (the driver holds one to this future).
template <class T>
class wait_any_future : public future_core<wait_result<T>> {
 public:
  wait_any_future(event_loop* loop, std::vector<task<T>> args)
      : future_core<wait_result<T>>(loop), children(std::move(args)) {}

  /// The recipe's `except CancelledError`: the awaiting task's cancel() forwards here.
  /// Marks this future cancelled first (the awaiter resumes before the children see their
  /// cancellation, as it would continue inline in CPython), stops the driver, then cancels
  /// every child in argument order (wait_any.cancel).
  bool cancel(std::string msg = "") override {
    if (this->done()) return future_base::cancel(std::move(msg));
    future_base::cancel(std::move(msg));
    if (task_base* d = std::exchange(driver, nullptr)) d->cancel();
    for (task<T>& c : children) c.cancel();
    return true;
  }

  std::vector<task<T>> children;  ///< the arguments, in order
  task_base* driver = nullptr;    ///< see the invariant
};

/// Awaits wait()'s task `waiting` and completes `f`: the recipe's return and `finally`
/// (wait_any.cancel-pending).
template <class T>
task<void> wait_any_driver(future<wait_result<T>> handle, wait_any_future<T>* f,
                           task<wait_result<T>> waiting) {
  struct detach {
    wait_any_future<T>* f;
    ~detach() { f->driver = nullptr; }
  } guard{f};
  std::optional<wait_result<T>> r;
  std::exception_ptr failure;
  try {
    r.emplace(co_await waiting);
  } catch (const cancelled_error&) {
    // Cancelled by f.cancel() (f is done), or by someone else: the same `except`.
    f->driver = nullptr;
    f->cancel();
    throw;
  } catch (...) {
    failure = std::current_exception();  // no children: wait.empty
  }
  f->driver = nullptr;
  if (f->done()) co_return;
  if (failure) {
    handle.set_exception(failure);
    co_return;
  }
  std::vector<task<T>> to_cancel;
  for (task<T>& c : f->children) {
    if (std::find(r->pending.begin(), r->pending.end(), c) != r->pending.end()) {
      to_cancel.push_back(c);
    }
  }
  handle.set_result(std::move(*r));
  for (task<T>& c : to_cancel) c.cancel();
}

}  // namespace detail

/// The seed-004 wait_any recipe, as the scenario language defines it (SPEC section 11):
///
///     tasks_to_cancel = []
///     try:
///         done, pending = await asyncio.wait(tasks, timeout=timeout,
///                                            return_when=FIRST_COMPLETED)
///         tasks_to_cancel = [t for t in tasks if t in pending]
///         return done, pending
///     except asyncio.CancelledError:
///         tasks_to_cancel = tasks
///         raise
///     finally:
///         for task in tasks_to_cancel: task.cancel()
///
/// Success: returns wait()'s (done, pending) once any child is done
/// (wait_any.first-completed), after calling cancel() on each child still pending, in
/// argument order, without waiting for them: they are still pending when it returns
/// (wait_any.cancel-pending, task.cancel.not-immediate). Child failure: counts as
/// completed; the exception is neither raised nor retrieved (wait_any.exception,
/// wait.no-raise). Child cancellation: also counts as completed. Timeout: with nothing done
/// it returns (∅, all) and cancels every child; no timeout_error (wait_any.timeout). Outer
/// cancellation (the awaiting task's cancel() forwards to the returned future, or the future
/// is cancelled directly; it is cancelled at once): cancel() is called on every child in argument
/// order — done ones too, which silences a failed child's report (task.exception.cancel-silences) —
/// and the cancelled_error is rethrown (wait_any.cancel). No children: wait()'s ValueError.
///
/// It returns a future to await, standing for the recipe's coroutine; wait() and a driver
/// that completes the future run as tasks of their own, so each end is later than CPython's
/// inline `await wait_any(...)`. The future is completed before the children are cancelled,
/// so the awaiter resumes before they see the cancellation, as in CPython. Needs a running
/// loop.
template <class T>
future<wait_result<T>> wait_any(std::vector<task<T>> children,
                                std::optional<loop_time> timeout = std::nullopt) {
  event_loop* loop = event_loop::running();
  if (!loop) throw error("RuntimeError", "no running event loop");
  task<wait_result<T>> waiting =
      create_task(*loop, wait(children, return_when::first_completed, timeout));
  auto* f = new detail::wait_any_future<T>(loop, std::move(children));
  future<wait_result<T>> result(f);
  task<void> driver = create_task(*loop, detail::wait_any_driver<T>(result, f, waiting));
  f->driver = driver.base();
  return result;
}

}  // namespace aioconform::impl
