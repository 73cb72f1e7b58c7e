#include "adapters/impl/event.h"

#include <algorithm>
#include <exception>

#include "impl/outcome_of.h"

namespace aioconform::impl_runtime {

void event::set() {
  if (value_) return;
  value_ = true;
  for (impl::future<nlohmann::json>& f : waiters_) {
    if (!f.done()) f.set_result(true);
  }
}

impl::task<bool> event::wait() {
  if (value_) co_return true;
  impl::future<nlohmann::json> f(*impl::event_loop::running());
  waiters_.push_back(f);
  impl::outcome<nlohmann::json> woken = co_await impl::outcome_of(f);
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), f));
  if (woken.exception) co_return impl::raised{std::move(woken.exception)};
  co_return true;
}

}  // namespace aioconform::impl_runtime
