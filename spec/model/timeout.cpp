// asyncio.timeout (timeouts.py, 3.11+) and the scenario's `timeout` block.

#include "spec/model/combinators.h"
#include "spec/model/timeout_scope.h"

namespace aioconform::model {

timeout_scope::timeout_scope(world& w, std::optional<std::int64_t> d)
    : w_(w), task_(*w.current_task()), state_(std::make_shared<state>()) {
  cancelling_ = w.at_least(11) ? w.cancelling(task_) : 0;
  ++w.at(task_).task->timeouts_open;
  if (!d) {
    w.exercise("timeout.none");
    return;  // timeout.none
  }
  // reschedule(): a deadline not in the future fires at the next iteration (timeout.zero).
  if (*d <= 0) {
    w.exercise("timeout.zero");
    state_->expiry = "timeout.zero";
  }
  auto on_timeout = [&w, t = task_, s = std::weak_ptr<state>(state_)] {
    auto st = s.lock();
    if (!st) return;
    // Expiring while awaiting a task: the cancel goes on to it, and the block waits for it
    // (timeout.waits-for-cancellation).
    if (const std::optional<fid> awaited = w.at(t).task->fut_waiter;
        awaited && w.at(*awaited).kind != future_kind::future) {
      w.exercise("timeout.waits-for-cancellation");
    }
    w.cancel(t, std::nullopt, st->expiry);
    st->now = state::phase::expiring;
    ++w.at(t).task->timeouts_expiring;
    st->handler.reset();
  };
  state_->handler = *d <= 0 ? w.call_soon(on_timeout, "timeout.zero")
                            : w.call_later(*d, on_timeout, "timeout.expire");
}

py_exception timeout_scope::exit(py_exception err) {
  task_state& ts = *w_.at(task_).task;
  --ts.timeouts_open;
  if (state_->handler) {
    w_.exercise("timeout.disarmed-on-exit");
    state_->handler->cancelled = true;  // timeout.disarmed-on-exit
    state_->handler.reset();
  }
  if (err)
    decided_by_ = is_cancelled_error(err) ? "timeout.external-cancel" : "timeout.inner-raises";
  if (state_->now == state::phase::expiring) {
    state_->now = state::phase::expired;
    // The cancellation is the timeout's own when the task's cancel count is back to what
    // it was on entry (timeout.cancelling-baseline; it need not be 0).
    --ts.timeouts_expiring;
    const char* clause = cancelling_ > 0 ? "timeout.cancelling-baseline" : state_->expiry;
    if (w_.uncancel(task_) <= cancelling_) {
      if (err && is_cancelled_error(err)) {
        decided_by_ = clause;
        // An inner block converts while an outer one is still open (timeout.nested.inner-first).
        if (ts.timeouts_open > 0) w_.exercise("timeout.nested.inner-first");
        return make_exception("TimeoutError", "");
      }
      if (!err) w_.exercise("timeout.swallowed");
    } else if (err && is_cancelled_error(err)) {
      decided_by_ = clause;  // cancelled from elsewhere too: stays a CancelledError
    }
  } else if (state_->now == state::phase::entered) {
    state_->now = state::phase::exited;
    // Not expired itself, it lets an enclosing block's cancellation through
    // (timeout.nested.outer-first).
    if (err && is_cancelled_error(err) && ts.timeouts_expiring > 0) {
      w_.exercise("timeout.nested.outer-first");
    }
  }
  return err;
}

// The block ends only when its body has handled the cancellation (timeout.waits-for-cancellation);
// a body that swallows it ends normally (timeout.swallowed); nested scopes convert only their own
// cancellation (timeout.nested.inner-first, timeout.nested.outer-first).
proc timeout_block(interpreter& in, context_ref ctx, std::optional<std::int64_t> d,
                   const std::vector<format::step>* steps, std::string path) {
  timeout_scope scope(in.w, d);
  outcome body = co_await in.run_steps(ctx, steps, path + ".");
  body.exception = scope.exit(body.exception);
  ctx->block_clause = scope.decided_by();
  co_return body;
}

}  // namespace aioconform::model
