#pragma once

#include <utility>
#include <vector>

#include "impl/collector.h"
#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl {

namespace detail {

/// The two done callbacks of one shield() call and what they refer to.
///
/// Invariant: `callbacks` counts the registered callbacks that have neither run nor been
/// removed; the object is deleted when it reaches zero.
template <class T>
struct shield_link {
  future<T> inner;  ///< the shielded child
  future<T> outer;  ///< the plain future shield() returned
  int callbacks = 2;

  void drop() noexcept {
    if (--callbacks == 0) delete this;
  }

  /// The link is owned by its two callbacks and holds both futures (collector.h), as the
  /// closures of asyncio's two callbacks refer to inner and outer.
  static void declare_refs() {
    static const bool declared = [] {
      done_callback_refs refs;
      refs.owned_futures = [](void* ctx, std::vector<future_base*>& out) {
        auto* self = static_cast<shield_link*>(ctx);
        out.push_back(self->inner.base());
        out.push_back(self->outer.base());
      };
      refs.discard = [](void* ctx) noexcept { static_cast<shield_link*>(ctx)->drop(); };
      declare_done_callback_refs(&on_inner_done, refs);
      declare_done_callback_refs(&on_outer_done, refs);
      return true;
    }();
    (void)declared;
  }

  // tasks.py: shield._inner_done_callback (3.13).
  static void on_inner_done(void* ctx, future_base*) {
    auto* self = static_cast<shield_link*>(ctx);
    if (self->outer.cancelled()) {
      if (!self->inner.cancelled()) self->inner.exception();
    } else if (self->inner.cancelled()) {
      self->outer.cancel();  // shield.inner-cancel
    } else if (std::exception_ptr e = self->inner.exception()) {
      self->outer.set_exception(e);  // shield.inner-exception-propagates
    } else {
      self->outer.set_result(*self->inner.slot()->value);  // shield.passthrough
    }
    self->drop();
  }

  // tasks.py: shield._outer_done_callback: detach from a child still running.
  static void on_outer_done(void* ctx, future_base*) {
    auto* self = static_cast<shield_link*>(ctx);
    if (!self->inner.done()) {
      for (std::size_t n = self->inner.remove_done_callback(&on_inner_done, self); n > 0; --n) {
        self->callbacks -= 1;
      }
    }
    self->drop();
  }
};

}  // namespace detail

/// asyncio.shield(child): a plain future that completes like the child (shield.passthrough:
/// its result, its exception — retrieved from the child, shield.inner-exception-propagates
/// — or cancelled if the child ends cancelled, shield.inner-cancel). An unscheduled task is
/// scheduled on the running loop (shield.wrap); a child done at the call is returned itself
/// (shield.done-shortcut).
///
/// Outer cancellation: cancelling the returned future (or a task awaiting it) cancels only
/// that future, at once (shield.outer-cancel, shield.outer-cancel.future); the child runs
/// on, and the shield detaches from it, so the child's later exception is not retrieved
/// (shield.never-retrieved).
template <class T>
future<T> shield(future<T> inner) {
  if (inner.done()) return inner;
  detail::shield_link<T>::declare_refs();
  auto* link = new detail::shield_link<T>{inner, future<T>(*inner.base()->loop())};
  future<T> outer = link->outer;
  inner.add_done_callback(&detail::shield_link<T>::on_inner_done, link);
  outer.add_done_callback(&detail::shield_link<T>::on_outer_done, link);
  return outer;
}

/// shield() of a task: schedules it first if needed (shield.wrap).
template <class T>
future<T> shield(task<T> inner) {
  if (!inner.scheduled()) {
    event_loop* loop = event_loop::running();
    if (!loop) throw error("RuntimeError", "no running event loop");
    inner.base()->schedule(*loop);
  }
  return shield(static_cast<future<T>>(inner));
}

}  // namespace aioconform::impl
