// asyncio.wait_for (tasks.py): 3.8-3.11 with a waiter future and a timer; 3.12+ through
// asyncio.timeout, awaiting a coroutine inline.

#include "spec/model/combinators.h"
#include "spec/model/timeout_scope.h"

namespace aioconform::model {
namespace {

void release_waiter(world& w, fid waiter) {
  if (!w.done(waiter)) w.set_result(waiter, nullptr, "wait_for.timeout.cancels");
}

/// tasks._cancel_and_wait: cancel `fut` and wait until it is done
/// (wait_for.timeout.waits-for-inner).
/// `at_deadline`: cancelled by the timeout, not by the caller's cancellation.
proc cancel_and_wait(world& w, fid fut, bool at_deadline) {
  fid waiter = w.create_future();
  std::uint64_t cb = w.add_done_callback(fut, [&w, waiter](fid) { release_waiter(w, waiter); });
  w.cancel(fut, std::nullopt, "wait_for.timeout.cancels");
  outcome woken = co_await w.wait(waiter);
  w.remove_done_callback(fut, cb);
  if (woken.raised()) co_return woken;
  if (at_deadline) {
    // The inner future is done now, cleanup included (wait_for.timeout.waits-for-inner); a
    // shield's outer future was cancelled at once (shield.with-wait_for).
    w.exercise("wait_for.timeout.waits-for-inner");
    if (w.at(fut).shield_outer) w.exercise("shield.with-wait_for");
  }
  // A child that answered the cancellation with another exception
  // (wait_for.inner-raises-on-cancel).
  if (!w.cancelled(fut) && w.at(fut).exception) w.exercise("wait_for.inner-raises-on-cancel");
  co_return nullptr;
}

/// The timeout ≤ 0 path, every version (wait_for.timeout.zero).
proc wait_for_now(interpreter& in, awaitable child) {
  world& w = in.w;
  fid fut = in.ensure_future(child);
  in.decide("wait_for.timeout.zero");
  if (w.done(fut)) co_return w.result(fut);
  if (outcome r = co_await cancel_and_wait(w, fut, true); r.raised()) co_return r;
  if (!w.at_least(9)) {
    // 3.8: an inner exception propagates, anything else times out.
    if (outcome r = w.result(fut); r.raised() && !is_cancelled_error(r.exception)) co_return r;
    in.decide("wait_for.timeout.error-class");
    co_return py_raise{w.make_timeout_error()};
  }
  // wait_for.inner-swallows
  if (outcome r = w.result(fut); !r.raised() || !is_cancelled_error(r.exception)) co_return r;
  co_return py_raise{w.make_timeout_error()};
}

proc wait_for_until_311(interpreter& in, awaitable child, std::int64_t timeout) {
  world& w = in.w;
  fid waiter = w.create_future();
  handle_ref timeout_handle = w.call_later(
      timeout, [&w, waiter] { release_waiter(w, waiter); }, "wait_for.timeout.cancels");
  fid fut = in.ensure_future(child);
  std::uint64_t cb = w.add_done_callback(fut, [&w, waiter](fid) { release_waiter(w, waiter); });
  struct disarm {
    handle_ref h;
    ~disarm() { h->cancelled = true; }
  } guard{timeout_handle};
  outcome woken = co_await w.wait(waiter);
  if (woken.raised()) {
    if (!is_cancelled_error(woken.exception)) co_return woken;
    in.decide("wait_for.outer-cancel.race");
    if (w.done(fut)) co_return w.result(fut);
    in.decide("wait_for.outer-cancel");
    // 3.9-3.11 cancel the child without the caller's message (wait_for.outer-cancel.message).
    if (w.at_least(9)) w.exercise("wait_for.outer-cancel.message");
    w.remove_done_callback(fut, cb);
    // wait_for.outer-cancel
    if (outcome r = co_await cancel_and_wait(w, fut, false); r.raised()) co_return r;
    co_return woken;
  }
  if (w.done(fut)) {
    in.decide("wait_for.result");
    if (!w.cancelled(fut) && w.at(fut).exception) w.exercise("wait_for.exception");
    co_return w.result(fut);
  }
  w.remove_done_callback(fut, cb);
  if (outcome r = co_await cancel_and_wait(w, fut, true); r.raised()) co_return r;
  in.decide("wait_for.timeout.error-class");
  if (!w.at_least(9)) co_return py_raise{w.make_timeout_error()};
  in.decide("wait_for.inner-swallows");
  if (outcome r = w.result(fut); !r.raised() || !is_cancelled_error(r.exception)) co_return r;
  in.decide("wait_for.timeout.error-class");
  co_return py_raise{w.make_timeout_error()};
}

proc wait_for_from_312(interpreter& in, awaitable child, std::optional<std::int64_t> timeout) {
  // async with timeouts.timeout(timeout): return await fut  (wait_for.coroutine.inline)
  world& w = in.w;
  const fid task = *w.current_task();
  const bool child_is_shield = child.future && w.at(*child.future).shield_outer;
  timeout_scope scope(in.w, timeout);
  outcome awaited = co_await in.await_awaitable(std::move(child));
  const py_exception err = scope.exit(awaited.exception);
  if (!scope.expired() && err && !is_cancelled_error(err)) w.exercise("wait_for.exception");
  if (scope.expired()) {
    // The child ran inline or was awaited, so it is done now (wait_for.timeout.waits-for-inner).
    w.exercise("wait_for.timeout.waits-for-inner");
    if (child_is_shield) w.exercise("shield.with-wait_for");
    if (err && !is_cancelled_error(err) && err->type != "TimeoutError") {
      w.exercise("wait_for.inner-raises-on-cancel");
    }
  } else if (err && is_cancelled_error(err) && w.cancelling(task) > 0) {
    // The caller was cancelled: 3.12+ deliver its message to the child
    // (wait_for.outer-cancel.message).
    w.exercise("wait_for.outer-cancel.message");
  }
  in.decide(!scope.expired()                     ? "wait_for.result"
            : err && err->type == "TimeoutError" ? "wait_for.timeout.cancels"
                                                 : "wait_for.inner-swallows");
  if (err) co_return py_raise{err};
  co_return std::move(awaited.value);
}

}  // namespace

// The inner exception propagates (wait_for.exception), also one raised while it handles the
// cancellation (wait_for.inner-raises-on-cancel); 3.12+ delivers the outer cancel message to the
// inner task (wait_for.outer-cancel.message).
proc wait_for(interpreter& in, awaitable child, std::optional<std::int64_t> timeout) {
  world& w = in.w;
  if (timeout && *timeout <= 0) co_return co_await wait_for_now(in, std::move(child));
  if (!timeout) w.exercise("wait_for.timeout.none");
  // A coroutine child: awaited inline from 3.12 and without a timeout, else wrapped in a task
  // (wait_for.coroutine.inline).
  if (child.coroutine) w.exercise("wait_for.coroutine.inline");
  if (w.at_least(12)) co_return co_await wait_for_from_312(in, std::move(child), timeout);
  if (!timeout) co_return co_await in.await_awaitable(std::move(child));  // wait_for.timeout.none
  co_return co_await wait_for_until_311(in, std::move(child), *timeout);
}

}  // namespace aioconform::model
