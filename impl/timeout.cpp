#include "impl/timeout.h"

#include <utility>

namespace aioconform::impl {

timeout_scope::~timeout_scope() {
  cancel_handler();
}

void timeout_scope::enter(task_base& task) {
  if (state_ != state::created) throw error("RuntimeError", "Timeout has already been entered");
  state_ = state::entered;
  task_ = &task;
  cancelling_ = task.cancelling();  // timeout.cancelling-baseline
  reschedule(when_);
}

void timeout_scope::cancel_handler() noexcept {
  if (!handler_) return;
  *handler_ = nullptr;
  handler_.reset();
  if (timer_ != 0) task_->loop()->cancel_timer(std::exchange(timer_, 0));
}

void timeout_scope::reschedule(std::optional<loop_time> when) {
  if (state_ == state::created) throw error("RuntimeError", "Timeout has not been entered");
  if (state_ != state::entered) throw error("RuntimeError", "Cannot change state of Timeout");
  when_ = when;
  cancel_handler();
  if (!when) return;
  event_loop& loop = *task_->loop();
  handler_ = std::make_shared<timeout_scope*>(this);
  auto fire = [link = handler_] {
    if (timeout_scope* self = *link) self->on_timeout();
  };
  if (*when <= loop.time()) {
    loop.call_soon(std::function<void()>(fire));  // timeout.zero
  } else {
    timer_ = loop.call_at(*when, std::function<void()>(fire));
  }
}

void timeout_scope::on_timeout() {
  handler_.reset();  // the link object lives on in the callback, which is running
  timer_ = 0;
  task_->cancel();  // timeout.expire: no message
  state_ = state::expiring;
}

void timeout_scope::exit(std::exception_ptr e) {
  if (std::exception_ptr x = exit_exception(std::move(e))) std::rethrow_exception(std::move(x));
}

std::exception_ptr timeout_scope::exit_exception(std::exception_ptr e) {
  cancel_handler();  // timeout.disarmed-on-exit
  if (state_ == state::expiring) {
    state_ = state::expired;
    // timeout.cancelling-baseline: convert only our own cancellation (3.13 `issubclass`).
    if (task_->uncancel() <= cancelling_ && e && is_cancelled_error(e)) {
      return std::make_exception_ptr(timeout_error());
    }
  } else if (state_ == state::entered) {
    state_ = state::exited;
  }
  return e;
}

timeout_scope timeout(std::optional<loop_time> delay) {
  if (!delay) return timeout_scope(std::nullopt);
  event_loop* loop = event_loop::running();
  if (!loop) throw error("RuntimeError", "no running event loop");
  return timeout_scope(loop->time() + *delay);
}

}  // namespace aioconform::impl
