#include "impl/sleep.h"

namespace aioconform::impl {

void sleep_awaiter::fire(void* ctx, future_base*) {
  auto* self = static_cast<sleep_awaiter*>(ctx);
  self->fired_ = true;
  // futures._set_result_unless_cancelled: the sleep may have been cancelled meanwhile.
  if (!self->timer_future_->done()) self->timer_future_->set_result();
}

void sleep_awaiter::suspend(task_base& waiter) {
  waiter_ = &waiter;
  if (delay_ <= 0) {
    waiter.yield_now();
    return;
  }
  event_loop& loop = *waiter.loop();
  timer_future_.emplace(loop);
  future_base* fut = timer_future_->base();
  fut->add_ref();  // held by the timer entry
  timer_ = loop.call_later(delay_, callback{&sleep_awaiter::fire, this, fut});
  waiter.suspend_on(*fut);
}

void sleep_awaiter::await_resume() {
  if (std::exception_ptr e = resume_outcome().exception) std::rethrow_exception(std::move(e));
}

outcome<void> sleep_awaiter::resume_outcome() {
  if (timer_future_ && !fired_) waiter_->loop()->cancel_timer(timer_);
  std::exception_ptr e = waiter_->take_injected();
  if (!e && timer_future_) e = timer_future_->base()->result_exception();
  return {e ? std::nullopt : std::optional<std::monostate>(std::in_place), e};
}

}  // namespace aioconform::impl
