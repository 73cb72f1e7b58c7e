#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/mutant.h"
#include "impl/outcome_of.h"
#include "impl/task.h"
#include "impl/timeout.h"

namespace aioconform::impl {

namespace detail {

/// tasks.py: _release_waiter as a done callback on the child of _cancel_and_wait; `ctx` is
/// the waiter, which holds one reference per registration.
inline void release_cancel_waiter(void* ctx, future_base*) {
  auto* waiter = static_cast<future_core<void>*>(ctx);
  if (!waiter->done()) {
    waiter->value.emplace();
    waiter->mark_done(future_base::state::finished);
  }
  waiter->release();
}

/// `F` is task<T> or future<T>: awaiting the child runs an unscheduled task inline, and
/// suspends on anything else.
template <class T, class F>
task<T> wait_for_child(F child, std::optional<loop_time> delay) {
  event_loop& loop = *event_loop::running();
  if (delay && *delay <= 0) {
    ensure_scheduled(*child.base(), loop);
    if (!child.done()) {
      if (reintroduces(86057)) {
        // Mutant gh-86057 (bpo-41891, fixed in 3.8.8 and 3.9.2): `fut.cancel(); raise
        // TimeoutError()`, without waiting for the child to end its cancellation.
        child.cancel();
        throw timeout_error();
      }
      // tasks.py: _cancel_and_wait.
      auto* w = new future_core<void>(&loop);
      future<void> waiter(w);
      w->add_ref();
      child.add_done_callback(&detail::release_cancel_waiter, w);
      struct cleanup {
        F& child;
        future_core<void>* w;
        ~cleanup() {
          for (std::size_t n = child.remove_done_callback(&detail::release_cancel_waiter, w); n > 0;
               --n) {
            w->release();
          }
        }
      };
      {
        cleanup guard{child, w};
        child.cancel();
        co_await waiter;
      }
      // `return fut.result()` under `except CancelledError: raise TimeoutError`: a gather
      // that failed with a CancelledError is not cancelled() but counts all the same.
      // (A child done at the call raises its CancelledError itself.)
      if (child.base()->delivers_cancelled_error()) {
        // fut.result() uses up the saved error, or retrieves the exception.
        if (child.cancelled()) {
          (void)child.base()->make_cancelled_error();
        } else {
          (void)child.exception();
        }
        throw timeout_error();
      }
    }
    co_return child.result();
  }
  timeout_scope block = timeout(delay);
  co_await block.enter();
  outcome<T> o = co_await outcome_of(child);
  std::exception_ptr e = block.exit_exception(std::move(o.exception));
  if constexpr (std::is_void_v<T>) {
    if (e) std::rethrow_exception(std::move(e));  // a task<void> cannot co_return raised{}
    co_return;
  } else {
    // The child's exception or the TimeoutError leaves as a value: one rethrow fewer.
    if (e) co_return raised{std::move(e)};
    co_return std::move(*o.value);
  }
}

}  // namespace detail

/// asyncio.wait_for(child, delay) as 3.13 writes it, awaited in a task.
///
/// delay > 0 or nullopt: `async with timeout(delay): return await child` — the block of
/// timeout.h runs in wait_for's own task. On success it returns the child's result
/// (wait_for.result); a child failure propagates unchanged (wait_for.exception). Timeout:
/// at the deadline wait_for's task is cancelled without a message, which cancels the child
/// (task.cancel.forwards-to-awaited, wait_for.timeout.cancels); wait_for then waits for the
/// child to end, cleanup included (wait_for.timeout.waits-for-inner), and, if it ended
/// cancelled, throws timeout_error (wait_for.timeout.error-class). A child that swallows
/// the cancellation returns its value, which wait_for returns (wait_for.inner-swallows);
/// one that raises something else propagates it (wait_for.inner-raises-on-cancel).
/// nullopt sets no timer (wait_for.timeout.none).
///
/// Outer cancellation: cancelling the awaiting task cancels the child with the same message
/// (wait_for.outer-cancel, wait_for.outer-cancel.message); a child ending cancelled makes
/// wait_for throw that cancelled_error; a child that swallows it returns its value, and
/// the awaiting task goes on normally (wait_for.inner-swallows, 3.12+).
///
/// delay <= 0 (wait_for.timeout.zero): schedules the child; if it is done returns its
/// outcome at once; else cancels it and waits for it (_cancel_and_wait), then returns its
/// value, rethrows its exception, or throws timeout_error if it ended cancelled — so an
/// unstarted child never starts (task.cancel.before-start).
///
/// Child cancellation by a third party: the cancelled_error propagates (task.await.outcome).
/// `co_await wait_for(...)` runs inline in the awaiting task, whose cancellation the timeout
/// uses, as in CPython; an unscheduled child runs inline in it too, with no task of its own
/// (wait_for.coroutine.inline, 3.12+), while delay <= 0 makes it a task first.
template <class T>
task<T> wait_for(task<T> child, std::optional<loop_time> delay) {
  return detail::wait_for_child<T>(std::move(child), delay);
}

/// wait_for() of a future that is not a task (a shield's, a gather's): the same, awaiting it
/// as a future; on the timeout it is cancelled as Future.cancel cancels it, at once, or as
/// its own cancel() does (a gather's cancels its children).
template <class T>
task<T> wait_for(future<T> child, std::optional<loop_time> delay) {
  return detail::wait_for_child<T>(std::move(child), delay);
}

}  // namespace aioconform::impl
