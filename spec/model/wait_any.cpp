// The seed-004 wait_any recipe, as the scenario language defines it (cancels in argument
// order).

#include "spec/model/combinators.h"

namespace aioconform::model {

// A child that raises counts as completed (wait_any.exception); on timeout every child is still
// pending and is cancelled (wait_any.timeout).
proc wait_any(interpreter& in, std::vector<awaitable> children,
              std::optional<std::int64_t> timeout) {
  world& w = in.w;
  std::vector<awaitable> to_cancel;
  outcome done = co_await wait(in, children, format::return_when::first_completed, timeout);
  const py_exception& err = done.exception;
  if (err) {
    if (is_cancelled_error(err)) to_cancel = children;  // wait_any.cancel
  } else {
    json& result = done.value;
    if (in.decided_by == "wait.timeout.returns") w.exercise("wait_any.timeout");
    for (const awaitable& a : children) {
      if (a.future && w.done(*a.future) && !w.cancelled(*a.future) && w.at(*a.future).exception) {
        w.exercise("wait_any.exception");  // a failed child counts as completed
      }
    }
    // tasks_to_cancel = [t for t in tasks if t in pending]
    std::vector<std::string> pending;
    for (const json& item : result[1]["$set"]) pending.push_back(item["$future"]);
    for (const awaitable& a : children) {
      if (a.future &&
          std::find(pending.begin(), pending.end(), in.name_of(*a.future)) != pending.end()) {
        to_cancel.push_back(a);  // wait_any.cancel-pending
      }
    }
  }
  // finally: for t in tasks_to_cancel: t.cancel()
  for (const awaitable& a : to_cancel) {
    if (!a.future) {
      co_return py_raise{
          make_exception("AttributeError", "'coroutine' object has no attribute 'cancel'")};
    }
    w.cancel(*a.future, std::nullopt, "wait_any.cancel-pending");
  }
  in.decide(err ? (is_cancelled_error(err) ? "wait_any.cancel" : "wait_any.coroutines")
                : "wait_any.first-completed");
  co_return done;
}

}  // namespace aioconform::model
