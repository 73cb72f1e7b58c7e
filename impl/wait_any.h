#pragma once

#include <algorithm>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/outcome_of.h"
#include "impl/task.h"
#include "impl/wait.h"

namespace aioconform::impl {

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
/// cancellation (of the awaiting task, or of the task create_task made of it): cancel() is
/// called on every child in argument order — done ones too, which silences a failed child's
/// report (task.exception.cancel-silences) — and the cancelled_error is rethrown
/// (wait_any.cancel). No children: wait()'s ValueError.
///
/// `co_await wait_any(...)` runs the recipe inline in the awaiting task, as CPython's
/// `await wait_any(...)` does: the children's cancel() calls come before the awaiting task
/// goes on, and cancelling the awaiting task reaches wait()'s waiter. Needs a running loop.
template <class T>
task<wait_result<T>> wait_any(std::vector<future<T>> children,
                              std::optional<loop_time> timeout = std::nullopt) {
  std::vector<future<T>> to_cancel;
  outcome<wait_result<T>> r =
      co_await outcome_of(wait(children, return_when::first_completed, timeout));
  if (r.exception && !is_cancelled_error(r.exception)) co_return raised{std::move(r.exception)};
  if (r.exception) {
    to_cancel = children;
  } else {
    for (future<T>& c : children) {
      if (std::find(r.value->pending.begin(), r.value->pending.end(), c) !=
          r.value->pending.end()) {
        to_cancel.push_back(c);
      }
    }
  }
  for (future<T>& c : to_cancel) c.cancel();  // the recipe's finally
  if (r.exception) co_return raised{std::move(r.exception)};
  co_return std::move(*r.value);
}

/// wait_any() over tasks: the same.
template <class T>
task<wait_result<T>> wait_any(std::vector<task<T>> children,
                              std::optional<loop_time> timeout = std::nullopt) {
  return wait_any(std::vector<future<T>>(std::make_move_iterator(children.begin()),
                                         std::make_move_iterator(children.end())),
                  timeout);
}

}  // namespace aioconform::impl
