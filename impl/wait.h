#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/outcome_of.h"
#include "impl/task.h"

namespace aioconform::impl {

/// When wait() returns (concurrent.futures' constants).
enum class return_when {
  all_completed,    ///< every child is done (wait.return-when.all-completed)
  first_completed,  ///< any child is done (wait.return-when.first-completed)
  first_exception,  ///< a child failed, else all done (wait.return-when.first-exception)
};

/// wait()'s (done, pending) pair: the distinct children in argument order, split by
/// whether they were done when the waiting task resumed (wait.result-sets).
template <class T>
struct wait_result {
  std::vector<future<T>> done;
  std::vector<future<T>> pending;
};

namespace detail {

/// The private future _wait awaits, with the state of its _on_completion closure.
///
/// Invariant: holds one reference per registered child callback (dropped when it runs or
/// is removed) and one for the armed timeout timer (dropped by the loop).
class wait_waiter : public future_core<void> {
 public:
  wait_waiter(event_loop* loop, std::size_t children, return_when mode) noexcept
      : future_core<void>(loop), counter(children), when(mode) {}

  /// tasks.py: _wait._on_completion.
  static void on_completion(void* ctx, future_base* f);
  /// tasks.py: _release_waiter, when the timeout expires (wait.timeout.returns).
  static void on_timeout(void* ctx, future_base*);
  /// Cancels the timeout if armed.
  void disarm();
  /// Marks the waiter done if it is not.
  void release_waiter();

  std::size_t counter;       ///< children not yet seen complete
  return_when when;          ///< the return_when mode
  timer_id timer = 0;        ///< the timeout timer, if any
  bool timer_armed = false;  ///< the timer is scheduled and has not fired or been cancelled
};

}  // namespace detail

/// asyncio.wait(children, timeout, return_when), awaited in a task: returns (done,
/// pending) and never raises a child's exception or cancellation (wait.no-raise); only
/// FIRST_EXCEPTION retrieves the exceptions it sees (wait.exception.retrieval).
///
/// Success/failure of children: it returns when `when` is met, judged by the children's
/// done callbacks; `done` holds every child done when it resumes (wait.done.membership),
/// including ones done at the call, seen through callbacks queued at once
/// (wait.children.already-done). A cancelled child is not an exception for
/// FIRST_EXCEPTION (wait.return-when.first-exception.cancelled-not-exception).
/// Timeout: returns at the deadline if the condition is not met earlier, raising nothing
/// and cancelling nothing (wait.timeout.returns, wait.timeout.no-cancel); returns early
/// otherwise, cancelling the timer (wait.timeout.early-return). Outer cancellation: the
/// awaiting task gets the cancelled_error; children keep running
/// (wait.cancel.children-keep-running). Pending children always keep running
/// (wait.pending-keep-running). No children: throws error("ValueError", "Set of
/// Tasks/Futures is empty.") (wait.empty). A child passed twice is one (wait.duplicates).
/// Children are tasks (unscheduled ones are scheduled) or any other futures, taken as they
/// are; the sets hold the same objects.
///
/// `co_await wait(...)` runs it inline in the awaiting task, as CPython's `await wait(...)`;
/// passing it to create_task makes it a task of its own.
template <class T>
task<wait_result<T>> wait(std::vector<future<T>> children,
                          return_when when = return_when::all_completed,
                          std::optional<loop_time> timeout = std::nullopt) {
  if (children.empty()) throw error("ValueError", "Set of Tasks/Futures is empty.");
  std::vector<future<T>> fs;
  fs.reserve(children.size());
  for (future<T>& c : children) {
    if (c.base()->marked()) continue;  // wait.duplicates
    c.base()->set_marked(true);
    fs.push_back(c);
  }
  for (future<T>& c : fs) c.base()->set_marked(false);
  event_loop& loop = *event_loop::running();
  for (future<T>& c : fs) ensure_scheduled(*c.base(), loop);
  auto* w = new detail::wait_waiter(&loop, fs.size(), when);
  future<void> waiter(w);
  if (timeout) {
    w->add_ref();
    w->timer = loop.call_later(*timeout, callback{&detail::wait_waiter::on_timeout, w, w});
    w->timer_armed = true;
  }
  for (future<T>& c : fs) {
    w->add_ref();
    c.add_done_callback(&detail::wait_waiter::on_completion, w);
  }
  struct cleanup {  // _wait's finally
    detail::wait_waiter* w;
    std::vector<future<T>>& fs;
    ~cleanup() {
      w->disarm();
      for (future<T>& c : fs) {
        for (std::size_t n = c.remove_done_callback(&detail::wait_waiter::on_completion, w); n > 0;
             --n) {
          w->release();
        }
      }
    }
  };
  outcome<void> waited;
  {
    cleanup guard{w, fs};
    waited = co_await outcome_of(waiter);
  }
  // The awaiting task's cancellation leaves as a value: `co_await wait(...)` throws it once.
  if (waited.exception) co_return raised{std::move(waited.exception)};
  wait_result<T> result;
  for (future<T>& c : fs) (c.done() ? result.done : result.pending).push_back(c);
  co_return result;
}

/// wait() over tasks: the same.
template <class T>
task<wait_result<T>> wait(std::vector<task<T>> children,
                          return_when when = return_when::all_completed,
                          std::optional<loop_time> timeout = std::nullopt) {
  return wait(std::vector<future<T>>(std::make_move_iterator(children.begin()),
                                     std::make_move_iterator(children.end())),
              when, timeout);
}

}  // namespace aioconform::impl
