// asyncio.shield (tasks.py: shield).

#include <memory>

#include "spec/model/combinators.h"

namespace aioconform::model {

// Cancelling the outer future cancels only it (shield.outer-cancel.future); with wait_for, the
// timeout cancels the outer future and the inner task survives (shield.with-wait_for).
fid shield(interpreter& in, const awaitable& child) {
  world& w = in.w;
  fid inner = in.ensure_future(child);  // shield.wrap
  if (w.done(inner)) return inner;      // shield.done-shortcut
  fid outer = w.create_future();
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
      w.set_result(outer, w.result(i), "shield.passthrough");
    }
  });
  w.add_done_callback(outer, [&w, inner, inner_cb](fid) {
    if (!w.done(inner)) w.remove_done_callback(inner, *inner_cb);  // shield.outer-cancel
  });
  return outer;
}

}  // namespace aioconform::model
