// asyncio.shield (tasks.py: shield).

#include <memory>

#include "spec/model/combinators.h"

namespace aioconform::model {

// Cancelling the outer future cancels only it (shield.outer-cancel.future); with wait_for, the
// timeout cancels the outer future and the inner task survives (shield.with-wait_for).
fid shield(interpreter& in, const awaitable& child) {
  world& w = in.w;
  w.exercise("shield.wrap");
  fid inner = in.ensure_future(child);  // shield.wrap
  if (w.done(inner)) {
    w.exercise("shield.done-shortcut");
    return inner;  // shield.done-shortcut
  }
  fid outer = w.create_future();
  w.at(outer).shield_outer = true;
  auto inner_cb = std::make_shared<std::uint64_t>(0);
  *inner_cb = w.add_done_callback(inner, [&w, outer](fid i) {
    if (w.cancelled(outer)) {
      if (!w.cancelled(i)) (void)w.exception(i);  // shield.never-retrieved
      return;
    }
    if (w.cancelled(i)) {
      w.future_cancel(outer, std::nullopt, "shield.inner-cancel");
      return;
    }
    py_exception exc = w.exception(i);
    if (exc) {
      w.set_exception(outer, exc, "shield.inner-exception-propagates");
    } else {
      w.set_result(outer, w.result(i).value, "shield.passthrough");
    }
  });
  w.add_done_callback(outer, [&w, inner, inner_cb](fid o) {
    // The outer future, a plain one, was cancelled at once (shield.outer-cancel.future).
    if (w.cancelled(o)) w.exercise("shield.outer-cancel.future");
    if (!w.done(inner)) {
      // The child runs on, detached: its later exception is not retrieved here
      // (shield.outer-cancel, shield.never-retrieved).
      w.exercise("shield.outer-cancel");
      w.at(inner).shield_detached = true;
      w.remove_done_callback(inner, *inner_cb);  // shield.outer-cancel
    }
  });
  return outer;
}

}  // namespace aioconform::model
