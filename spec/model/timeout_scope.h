#pragma once

// asyncio.timeout's Timeout object (timeouts.py, 3.11+): entered in the current task, it
// cancels that task at the deadline and, on exit, turns the resulting CancelledError into
// TimeoutError when the cancellation was its own (the task's cancel count is back to the
// baseline recorded on entry, timeout.cancelling-baseline).

#include <memory>
#include <optional>

#include "spec/model/world.h"

namespace aioconform::model {

class timeout_scope {
 public:
  /// asyncio.timeout(d) then __aenter__: d is a delay from now; nullopt never expires.
  timeout_scope(world& w, std::optional<std::int64_t> d);
  /// __aexit__: `err` is the exception leaving the block (null when none). Returns the
  /// exception to propagate (possibly a new TimeoutError), or null.
  py_exception exit(py_exception err);
  /// After exit(): the clause that decided the outcome.
  [[nodiscard]] const char* decided_by() const { return decided_by_; }
  /// Whether the deadline passed while the block ran.
  [[nodiscard]] bool expired() const { return state_->now == state::phase::expired; }

 private:
  struct state {
    enum class phase { entered, expiring, expired, exited } now = phase::entered;
    handle_ref handler;
    /// The clause of the expiry: timeout.zero for a deadline not in the future, else
    /// timeout.expire.
    const char* expiry = "timeout.expire";
  };
  world& w_;
  fid task_;
  int cancelling_ = 0;
  std::shared_ptr<state> state_;
  const char* decided_by_ = "timeout.no-expire";
};

}  // namespace aioconform::model
