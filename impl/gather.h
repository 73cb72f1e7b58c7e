#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/gathering_future.h"
#include "impl/task.h"

namespace aioconform::impl {

/// Tag selecting gather's return_exceptions=True form.
struct return_exceptions_t {};
inline constexpr return_exceptions_t return_exceptions{};

namespace detail {

/// gather over a range of handles F (task<T> or future<T>): results in a vector.
template <class T, class R, class F>
class range_gathering_future final : public gathering_future<std::vector<R>, F> {
 public:
  using gathering_future<std::vector<R>, F>::gathering_future;

 private:
  std::vector<R> collect() override {
    std::vector<R> results;
    results.reserve(this->children().size());
    for (const F& c : this->children()) {
      if constexpr (std::is_same_v<R, outcome<T>>) {
        results.push_back(this->template outcome_of<T>(c.base()));
      } else {
        results.push_back(this->template value_of<T>(c.base()));
      }
    }
    return results;
  }
};

/// gather(a, b, c): results in a tuple; `Outcomes` selects return_exceptions.
template <bool Outcomes, class... T>
class tuple_gathering_future final
    : public gathering_future<
          std::conditional_t<Outcomes, std::tuple<outcome<T>...>, std::tuple<stored_t<T>...>>> {
  using result_type =
      std::conditional_t<Outcomes, std::tuple<outcome<T>...>, std::tuple<stored_t<T>...>>;

 public:
  using gathering_future<result_type>::gathering_future;

 private:
  result_type collect() override { return collect(std::index_sequence_for<T...>{}); }
  template <std::size_t... I>
  result_type collect(std::index_sequence<I...>) {
    if constexpr (Outcomes) {
      return result_type{this->template outcome_of<T>(this->children()[I].base())...};
    } else {
      return result_type{this->template value_of<T>(this->children()[I].base())...};
    }
  }
};

template <class Gathering, class Result, class Handle>
future<Result> make_gather(std::vector<Handle> children, bool return_exceptions) {
  auto* outer = new Gathering(std::move(children), return_exceptions);
  future<Result> handle(outer);
  outer->start();
  return handle;
}

/// The range forms adopt the caller's vector of handles (moved in by value): no copy of the
/// children's pointers is made, and the argument, which lives until the co_await around
/// gather() ends, is left empty.
template <class R, class T, class Outcome, class F>
future<R> gather_range(std::vector<F>& children, bool return_exceptions) {
  return make_gather<range_gathering_future<T, Outcome, F>, R>(std::move(children),
                                                               return_exceptions);
}

/// The variadic forms' children, as untyped handles.
template <class... T>
std::vector<future_ref> refs(const future<T>&... children) {
  return {future_ref(children.base())...};
}

}  // namespace detail

/// asyncio.gather(*children): a future of the children's results in argument order
/// (gather.order), returned before any child ran (gather.future). Unscheduled children are
/// scheduled in argument order (gather.wraps-coroutines); a child passed twice is one
/// child (gather.duplicates); no children: done at once with [] (gather.empty).
///
/// Child failure: the gather fails with the first exception in completion order
/// (gather.exception.first-propagates); the other children are not cancelled
/// (gather.exception.others-keep-running) and their later exceptions count as retrieved
/// (gather.exception.later-retrieved). Child cancellation: the gather fails with that
/// child's cancelled_error (gather.child-cancelled). Outer cancellation (cancel() on the
/// gather or on a task awaiting it): every child is cancelled (gather.cancel.*; a plain
/// future at once, a task at its next step), and the
/// gather fails with a cancelled_error once a child ends cancelled. Children done at the
/// call are seen synchronously, as in 3.12+ (gather.done-children). Runs on the first
/// child's loop if it has one (a scheduled task or a plain future), as CPython takes the loop
/// of its first future; needs a running loop otherwise.
template <class T>
future<std::vector<stored_t<T>>> gather(std::vector<task<T>> children) {
  return detail::gather_range<std::vector<stored_t<T>>, T, stored_t<T>>(children, false);
}
/// gather over futures (tasks among them or not): the same.
template <class T>
future<std::vector<stored_t<T>>> gather(std::vector<future<T>> children) {
  return detail::gather_range<std::vector<stored_t<T>>, T, stored_t<T>>(children, false);
}

/// asyncio.gather(*children, return_exceptions=True): completes when every child is done
/// with each one's outcome in argument order (gather.return-exceptions); a cancelled child
/// gives cancelled_error(its cancel message) (gather.child-cancelled). If the gather was
/// cancelled it fails with a cancelled_error instead, once all children are done
/// (gather.cancel.overrides-return-exceptions, gather.cancel.child-swallows).
template <class T>
future<std::vector<outcome<T>>> gather(std::vector<task<T>> children, return_exceptions_t) {
  return detail::gather_range<std::vector<outcome<T>>, T, outcome<T>>(children, true);
}
/// gather over futures with return_exceptions=True: the same.
template <class T>
future<std::vector<outcome<T>>> gather(std::vector<future<T>> children, return_exceptions_t) {
  return detail::gather_range<std::vector<outcome<T>>, T, outcome<T>>(children, true);
}

/// asyncio.gather(a, b, c) with children of different result types: the same semantics as
/// the range form, with the results in a tuple in argument order (std::monostate for a
/// task<void>). gather() with no children is done at once with an empty tuple. Tasks and
/// other futures mix freely.
template <class... T>
future<std::tuple<stored_t<T>...>> gather(future<T>... children) {
  return detail::make_gather<detail::tuple_gathering_future<false, T...>,
                             std::tuple<stored_t<T>...>>(detail::refs(children...), false);
}

/// asyncio.gather(a, b, c, return_exceptions=True) with children of different result
/// types: each child's outcome, in argument order, as in the range form. The tag comes
/// first because a parameter pack must be last.
template <class... T>
future<std::tuple<outcome<T>...>> gather(return_exceptions_t, future<T>... children) {
  return detail::make_gather<detail::tuple_gathering_future<true, T...>, std::tuple<outcome<T>...>>(
      detail::refs(children...), true);
}

}  // namespace aioconform::impl
