#include "adapters/impl/event.h"

#include <algorithm>
#include <exception>

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
  std::exception_ptr failure;
  try {
    co_await f;
  } catch (...) {
    failure = std::current_exception();
  }
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), f));
  if (failure) std::rethrow_exception(failure);
  co_return true;
}

}  // namespace aioconform::impl_runtime
