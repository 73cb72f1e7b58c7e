#pragma once

// `co_await outcome_of(x)`: await x as `co_await x` would, suspending and resuming alike,
// but get its outcome (value or exception) instead of having the exception thrown. For a
// caller that would catch the exception at once to decide what to do with it (a scenario
// interpreter, a combinator), this saves a rethrow per failure; used with
// `co_return raised{e}` (task.h), an exception can cross many coroutine levels as a value.

#include <coroutine>
#include <utility>

#include "impl/future.h"
#include "impl/outcome.h"
#include "impl/sleep.h"
#include "impl/task.h"

namespace aioconform::impl {
namespace detail {

/// An awaiter that resumes with `Inner::resume_outcome()` where Inner's await_resume would
/// throw or return.
template <class Inner>
class outcome_awaiter {
 public:
  explicit outcome_awaiter(Inner inner) noexcept(std::is_nothrow_move_constructible_v<Inner>)
      : inner_(std::move(inner)) {}
  bool await_ready() const noexcept { return inner_.await_ready(); }
  template <class P>
  auto await_suspend(std::coroutine_handle<P> h) {
    return inner_.await_suspend(h);
  }
  auto await_resume() { return inner_.resume_outcome(); }

 private:
  Inner inner_;
};

}  // namespace detail

/// Awaits a future: its value, or the exception `co_await f` would throw (retrieved as
/// that would retrieve it), or the cancelled_error delivered to the awaiting task.
template <class T>
detail::outcome_awaiter<detail::future_awaiter<T>> outcome_of(const future<T>& f) {
  return detail::outcome_awaiter<detail::future_awaiter<T>>({f, nullptr});
}
/// The same for a temporary future, whose reference the awaiter takes over.
template <class T>
detail::outcome_awaiter<detail::future_awaiter<T>> outcome_of(future<T>&& f) {
  return detail::outcome_awaiter<detail::future_awaiter<T>>({std::move(f), nullptr});
}
/// Awaits a task as `co_await t` does (inline if unscheduled): its outcome.
template <class T>
detail::outcome_awaiter<detail::future_awaiter<T>> outcome_of(const task<T>& t) {
  return detail::outcome_awaiter<detail::future_awaiter<T>>({t, t.base()});
}
/// Awaits a sleep: an empty outcome, or the cancelled_error that ended it.
inline detail::outcome_awaiter<sleep_awaiter> outcome_of(sleep_awaiter s) noexcept {
  return detail::outcome_awaiter<sleep_awaiter>(std::move(s));
}

}  // namespace aioconform::impl
