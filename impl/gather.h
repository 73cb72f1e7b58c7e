#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl {

/// One child's outcome in a gather with return_exceptions: its value or its exception
/// (a cancelled child gives a cancelled_error, gather.child-cancelled).
template <class T>
struct outcome {
  std::optional<stored_t<T>> value;  ///< engaged when the child finished with a result
  std::exception_ptr exception;      ///< set when it failed or was cancelled
  bool ok() const noexcept { return !exception; }
};

/// Tag selecting gather's return_exceptions=True form.
struct return_exceptions_t {};
inline constexpr return_exceptions_t return_exceptions{};

namespace detail {

/// asyncio's _GatheringFuture with the state gather's closure keeps, as named fields.
///
/// Invariant: `nfinished` counts the done callbacks of distinct children that ran (or ran
/// synchronously for children done at the call); the future is done once a child failed
/// (without return_exceptions) or `nfinished == nfuts`. It holds one reference per
/// registered child callback, dropped when that callback runs.
template <class T, class R>
class gathering_future : public future_core<std::vector<R>> {
 public:
  gathering_future(event_loop* loop, std::vector<task<T>> children, bool return_exceptions)
      : future_core<std::vector<R>>(loop),
        children_(std::move(children)),
        return_exceptions_(return_exceptions) {}

  /// _GatheringFuture.cancel: false if done (gather.cancel.after-done); else cancel(msg)
  /// on every child in argument order (gather.cancel.outer-cancels-children), true iff
  /// one of them returned true (gather.cancel.returns). The gather itself is not
  /// cancelled; it fails with a cancelled_error later (gather.cancel.outer-done-not-cancelled).
  bool cancel(std::string msg = "") override {
    if (this->done()) return false;
    bool ret = false;
    for (task<T>& child : children_) {
      if (child.cancel(msg)) ret = true;
    }
    if (ret) cancel_requested_ = true;
    return ret;
  }
  const char* kind() const noexcept override { return "_GatheringFuture"; }

  /// Registers the done callbacks; children done already are processed at once (3.12+,
  /// gather.done-children).
  void start() {
    std::vector<future_base*> done_at_call;
    for (task<T>& c : children_) {
      if (c.base()->marked()) continue;  // gather.duplicates
      c.base()->set_marked(true);
      ++nfuts_;
      if (c.done()) {
        done_at_call.push_back(c.base());
      } else {
        this->add_ref();
        c.add_done_callback(&gathering_future::on_child_done, this);
      }
    }
    for (task<T>& c : children_) c.base()->set_marked(false);
    for (future_base* f : done_at_call) child_done(*f);
    if (nfuts_ == 0) {  // gather.empty
      this->value.emplace();
      this->mark_done(future_base::state::finished);
    }
  }

 private:
  static void on_child_done(void* ctx, future_base* child) {
    auto* self = static_cast<gathering_future*>(ctx);
    self->child_done(*child);
    self->release();
  }

  // tasks.py: gather._done_callback (3.13).
  void child_done(future_base& fut) {
    ++nfinished_;
    if (this->done()) {
      if (!fut.cancelled()) fut.exception();  // gather.exception.later-retrieved
      return;
    }
    if (!return_exceptions_) {
      if (fut.cancelled()) {  // gather.child-cancelled
        this->set_exception(fut.make_cancelled_error());
        return;
      }
      if (std::exception_ptr e = fut.exception()) {  // gather.exception.first-propagates
        this->set_exception(e);
        return;
      }
    }
    if (nfinished_ != nfuts_) return;
    std::vector<R> results;
    results.reserve(children_.size());
    for (task<T>& c : children_) results.push_back(outcome_of(c));
    if (cancel_requested_) {
      // gather.cancel.overrides-return-exceptions, gather.cancel.message: the last child's.
      this->set_exception(children_.back().base()->make_cancelled_error());
    } else {
      this->value.emplace(std::move(results));  // gather.order
      this->mark_done(future_base::state::finished);
    }
  }

  R outcome_of(task<T>& c) {
    if constexpr (std::is_same_v<R, outcome<T>>) {
      R r;
      if (c.cancelled()) {
        r.exception = std::make_exception_ptr(cancelled_error(c.base()->cancel_message()));
      } else if (std::exception_ptr e = c.exception()) {
        r.exception = e;  // gather.return-exceptions
      } else {
        r.value = *c.slot()->value;
      }
      return r;
    } else {
      return *c.slot()->value;
    }
  }

  std::vector<task<T>> children_;  ///< argument order, duplicates included
  std::size_t nfuts_ = 0;          ///< distinct children
  std::size_t nfinished_ = 0;      ///< distinct children whose callback ran
  bool return_exceptions_;         ///< gather(..., return_exceptions=True)
  bool cancel_requested_ = false;  ///< _GatheringFuture._cancel_requested
};

template <class R, class T>
future<std::vector<R>> make_gather(std::vector<task<T>> children, bool return_exceptions) {
  event_loop* loop = event_loop::running();
  for (task<T>& c : children) {
    if (c.scheduled()) {
      loop = c.base()->loop();
      break;
    }
  }
  if (!loop) throw error("RuntimeError", "no running event loop");
  for (task<T>& c : children) c.base()->schedule(*loop);  // gather.wraps-coroutines
  auto* outer = new gathering_future<T, R>(loop, std::move(children), return_exceptions);
  future<std::vector<R>> handle(outer);
  outer->start();
  return handle;
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
/// gather or on a task awaiting it): every child is cancelled (gather.cancel.*), and the
/// gather fails with a cancelled_error once a child ends cancelled. Children done at the
/// call are seen synchronously, as in 3.12+ (gather.done-children). Needs a running loop
/// unless some child is scheduled.
template <class T>
future<std::vector<stored_t<T>>> gather(std::vector<task<T>> children) {
  return detail::make_gather<stored_t<T>>(std::move(children), false);
}

/// asyncio.gather(*children, return_exceptions=True): completes when every child is done
/// with each one's outcome in argument order (gather.return-exceptions); a cancelled child
/// gives cancelled_error(its cancel message) (gather.child-cancelled). If the gather was
/// cancelled it fails with a cancelled_error instead, once all children are done
/// (gather.cancel.overrides-return-exceptions, gather.cancel.child-swallows).
template <class T>
future<std::vector<outcome<T>>> gather(std::vector<task<T>> children, return_exceptions_t) {
  return detail::make_gather<outcome<T>>(std::move(children), true);
}

}  // namespace aioconform::impl
