#pragma once

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/collector.h"
#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/mutant.h"
#include "impl/outcome.h"
#include "impl/task.h"

namespace aioconform::impl {

namespace detail {

/// An untyped handle to a future, holding one reference: a child of a gather whose
/// caller's handles cannot be adopted (the variadic form, whose children differ in type).
class future_ref {
 public:
  explicit future_ref(future_base* f) noexcept : base_(f) { base_->add_ref(); }
  future_ref(const future_ref& o) noexcept : future_ref(o.base_) {}
  future_ref(future_ref&& o) noexcept : base_(std::exchange(o.base_, nullptr)) {}
  future_ref& operator=(future_ref o) noexcept {
    std::swap(base_, o.base_);
    return *this;
  }
  ~future_ref() {
    if (base_) base_->release();
  }
  future_base* base() const noexcept { return base_; }

 private:
  future_base* base_;
};

/// asyncio's _GatheringFuture with the state gather's closure keeps, as named fields; the
/// result type R (a vector or a tuple) is built by the derived class's collect().
///
/// The children are kept as the caller's own handles (`Handle`: task<T>, future<T> or
/// future_ref), each holding a reference: the range forms adopt the caller's vector, so
/// that at 10^6 children no second array of pointers is allocated (8 bytes a task).
///
/// Invariant: `nfinished_` counts the done callbacks of distinct children that ran (or ran
/// synchronously for children done at the call); the future is done once a child failed
/// (without return_exceptions) or `nfinished_ == nfuts_`. It holds one reference per
/// registered child callback, dropped when that callback runs.
template <class R, class Handle = future_ref>
class gathering_future : public future_core<R> {
 public:
  /// The children (tasks or any other futures) in argument order, duplicates included;
  /// start() binds and registers.
  gathering_future(std::vector<Handle> children, bool return_exceptions)
      : future_core<R>(nullptr),
        children_(std::move(children)),
        return_exceptions_(return_exceptions) {}

  /// _GatheringFuture.cancel: false if done (gather.cancel.after-done); else cancel(msg)
  /// on every child in argument order (gather.cancel.outer-cancels-children) — Task.cancel
  /// for a task, Future.cancel (at once) for a plain future — true iff
  /// one of them returned true (gather.cancel.returns). The gather itself is not
  /// cancelled; it fails with a cancelled_error later (gather.cancel.outer-done-not-cancelled).
  bool cancel(std::string msg = "") override {
    if (this->done()) return false;
    bool ret = false;
    for (const Handle& child : children_) {
      if (child.base()->cancel(msg)) ret = true;
    }
    if (ret) cancel_requested_ = true;
    return ret;
  }
  const char* kind() const noexcept override { return "_GatheringFuture"; }

  /// Its children, once per argument (collector.h): each handle is a reference.
  void traverse(std::vector<future_base*>& out) const override {
    for (const Handle& child : children_) out.push_back(child.base());
  }
  void clear_references() noexcept override { children_.clear(); }

  /// tasks.py gather's loop over its arguments: binds the loop (the first child's if it has
  /// one, else the running one), schedules unscheduled tasks on it in argument order and
  /// takes other futures as they are (gather.wraps-coroutines, ensure_future) and registers the
  /// done callbacks; children done already are processed at once
  /// (3.12+, gather.done-children). One pass over the children: at 10^6 tasks each pass over their
  /// frames is a pass over memory that does not fit in the cache. Throws error("RuntimeError") if
  /// no loop can be found, before touching any child.
  void start() {
    event_loop* running = event_loop::running();
    if (!running && (children_.empty() || !children_.front().base()->loop())) {
      throw error("RuntimeError", "no running event loop");
    }
    declare_refs();
    std::vector<future_base*> done_at_call;
    for (const Handle& h : children_) {
      future_base* c = h.base();
      if (!c->loop()) {  // only an unscheduled task has none
        ensure_scheduled(*c, this->loop_ ? *this->loop_ : *running);
        // tasks.py gather: `if fut is not arg: fut._log_destroy_pending = False`.
        static_cast<task_base*>(c)->disable_destroy_pending_log();
      }
      if (!this->loop_) this->loop_ = c->loop();
      if (c->marked()) continue;  // gather.duplicates
      c->set_marked(true);
      ++nfuts_;
      if (c->done()) {
        done_at_call.push_back(c);
      } else {
        this->add_ref();
        c->add_done_callback(&gathering_future::on_child_done, this);
      }
    }
    for (const Handle& h : children_) h.base()->set_marked(false);
    if (!this->loop_) this->loop_ = running;
    for (future_base* f : done_at_call) child_done(*f);
    if (nfuts_ == 0) {  // gather.empty
      this->value.emplace(collect());
      this->mark_done(future_base::state::finished);
    }
  }

 protected:
  /// The result, in argument order (gather.order), once every child is done.
  virtual R collect() = 0;
  const std::vector<Handle>& children() const noexcept { return children_; }

  /// A done child's value (a copy: the child keeps its own).
  template <class T>
  static stored_t<T> value_of(future_base* c) {
    return *static_cast<value_slot<T>*>(c->value_storage())->value;
  }
  /// A done child's outcome (gather.return-exceptions).
  template <class T>
  static outcome<T> outcome_of(future_base* c) {
    outcome<T> r;
    if (c->cancelled()) {
      r.exception = std::make_exception_ptr(cancelled_error(c->cancel_message()));
    } else if (std::exception_ptr e = c->exception()) {
      r.exception = e;
    } else {
      r.value = value_of<T>(c);
    }
    return r;
  }

 private:
  /// Each child's callback holds a reference to this future (collector.h), as the closure
  /// of asyncio's _done_callback keeps the outer future alive.
  static void declare_refs() {
    static const bool declared = [] {
      done_callback_refs refs;
      refs.held_future = [](void* ctx) -> future_base* {
        return static_cast<gathering_future*>(ctx);
      };
      refs.discard = [](void* ctx) noexcept { static_cast<gathering_future*>(ctx)->release(); };
      declare_done_callback_refs(&gathering_future::on_child_done, refs);
      return true;
    }();
    (void)declared;
  }

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
    // Mutant gh-76865 (bpo-32684, fixed in 3.7.0): the flag is set but never read, so a
    // cancelled gather(..., return_exceptions=True) returns its children's CancelledErrors
    // as a result list and the cancellation is swallowed.
    if (cancel_requested_ && !reintroduces(76865)) {
      // 3.13 builds the results list even so, and its fut.exception() calls retrieve every
      // child's exception (gather.exception.later-retrieved).
      for (const Handle& h : children_) {
        if (!h.base()->cancelled()) (void)h.base()->exception();
      }
      // gather.cancel.overrides-return-exceptions, gather.cancel.message: the last child's
      // _make_cancelled_error(); for a child not cancelled (it swallowed the cancellation, or
      // finished first) that is CancelledError(its cancel message), never its own outcome.
      future_base& last = *children_.back().base();
      this->set_exception(last.cancelled()
                              ? last.make_cancelled_error()
                              : std::make_exception_ptr(cancelled_error(last.cancel_message())));
    } else {
      this->value.emplace(collect());  // gather.order
      this->mark_done(future_base::state::finished);
    }
  }

  std::vector<Handle> children_;   ///< argument order, duplicates included
  std::size_t nfuts_ = 0;          ///< distinct children
  std::size_t nfinished_ = 0;      ///< distinct children whose callback ran
  bool return_exceptions_;         ///< gather(..., return_exceptions=True)
  bool cancel_requested_ = false;  ///< _GatheringFuture._cancel_requested
};

}  // namespace detail
}  // namespace aioconform::impl
