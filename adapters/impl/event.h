#pragma once

// asyncio.Event on the reference runtime, which has none yet (locks.py, 3.13).

#include <nlohmann/json.hpp>
#include <vector>

#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl_runtime {

/// asyncio.Event: wait() returns at once when set, else suspends on a fresh future until
/// set() resolves every waiter's future in the order they began waiting
/// (loop.event.wake-order). A cancelled wait() removes its future and raises.
///
/// Invariant: `waiters_` holds the futures of wait() calls that have not returned.
/// Not movable: wait() coroutines refer to it.
class event {
 public:
  event() = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;

  bool is_set() const noexcept { return value_; }
  /// Event.set: wakes every waiter once; does nothing if already set.
  void set();
  /// Event.wait, run inline in the awaiting task (`co_await ev.wait()`).
  impl::task<bool> wait();

 private:
  bool value_ = false;
  std::vector<impl::future<nlohmann::json>> waiters_;
};

}  // namespace aioconform::impl_runtime
