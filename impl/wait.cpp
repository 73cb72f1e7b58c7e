#include "impl/wait.h"

namespace aioconform::impl::detail {

void wait_waiter::on_completion(void* ctx, future_base* f) {
  auto* self = static_cast<wait_waiter*>(ctx);
  --self->counter;
  // The exception() call retrieves, as CPython's does (wait.exception.retrieval).
  if (self->counter == 0 || self->when == return_when::first_completed ||
      (self->when == return_when::first_exception && !f->cancelled() && f->exception())) {
    self->disarm();
    self->release_waiter();
  }
  self->release();
}

void wait_waiter::on_timeout(void* ctx, future_base*) {
  auto* self = static_cast<wait_waiter*>(ctx);
  self->timer_armed = false;
  self->release_waiter();
}

void wait_waiter::disarm() {
  if (!timer_armed) return;
  timer_armed = false;
  loop_->cancel_timer(timer);
}

void wait_waiter::release_waiter() {
  if (done()) return;
  value.emplace();
  mark_done(state::finished);
}

}  // namespace aioconform::impl::detail
