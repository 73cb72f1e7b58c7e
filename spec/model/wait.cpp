// asyncio.wait (tasks.py: wait, _wait), per profile.

#include <algorithm>
#include <memory>

#include "spec/model/combinators.h"
#include "spec/model/set_order.h"

namespace aioconform::model {
namespace {}  // namespace

std::vector<fid> as_python_set(world& w, const std::vector<fid>& fs) {
  std::vector<fid> distinct;
  bool all_tasks = true;
  for (fid f : fs) {
    if (std::find(distinct.begin(), distinct.end(), f) != distinct.end()) continue;
    distinct.push_back(f);
    all_tasks = all_tasks && w.at(f).kind == future_kind::task;
  }
  if (all_tasks) {
    // Tasks hash by the adapter's creation number: CPython's set order of those numbers.
    std::vector<std::uint64_t> hashes;
    for (fid f : distinct) hashes.push_back(w.at(f).hash);
    std::vector<fid> out;
    for (std::size_t i : python_set_order(hashes)) out.push_back(distinct[i]);
    return out;
  }
  // Other futures hash by identity (their address): no order is reproducible, so every
  // order is allowed (as_completed.order for futures done at the call, Unsure in SPEC.md).
  return w.set_order(std::move(distinct));
}

// wait never raises a child's exception (wait.no-raise) and returns two sets (wait.result-sets):
// done holds exactly the children done when the waiter resumes (wait.done.membership), pending the
// rest, still running (wait.pending-keep-running). A timeout neither raises nor cancels
// (wait.timeout.no-cancel) and is disarmed when the condition is met first
// (wait.timeout.early-return). FIRST_EXCEPTION retrieves the exceptions it inspects
// (wait.exception.retrieval) and waits for all when none is raised
// (wait.return-when.first-exception.none-raised).
proc wait(interpreter& in, std::vector<awaitable> children, format::return_when when,
          std::optional<std::int64_t> timeout) {
  world& w = in.w;
  if (children.empty()) {
    in.decide("wait.empty");
    co_return py_raise{make_exception("ValueError", w.at_least(11)
                                                        ? "Set of Tasks/Futures is empty."
                                                        : "Set of coroutines/Futures is empty.")};
  }
  bool has_coroutine = false;
  for (const awaitable& a : children) has_coroutine = has_coroutine || a.coroutine;
  if (has_coroutine && w.at_least(11)) {
    in.decide("wait.coroutines");
    co_return py_raise{
        make_exception("TypeError", "Passing coroutines is forbidden, use tasks explicitly.")};
  }
  std::vector<fid> wrapped;
  for (const awaitable& a : children) wrapped.push_back(in.ensure_future(a));
  std::vector<fid> fs = as_python_set(w, wrapped);  // wait.duplicates
  if (fs.size() < wrapped.size()) w.exercise("wait.duplicates");
  // Children done at the call are seen through callbacks queued at once
  // (wait.children.already-done).
  if (std::any_of(fs.begin(), fs.end(), [&w](fid f) { return w.done(f); })) {
    w.exercise("wait.children.already-done");
  }

  // _wait
  fid waiter = w.create_future();
  handle_ref timeout_handle;
  if (timeout) {
    timeout_handle = w.call_later(
        *timeout,
        [&w, waiter] {
          if (!w.done(waiter)) w.set_result(waiter, nullptr, "wait.timeout.returns");
        },
        "wait.timeout.returns");
  }
  auto counter = std::make_shared<std::size_t>(fs.size());
  auto on_completion = [&w, waiter, counter, when, timeout_handle](fid f) {
    --*counter;
    bool release = *counter == 0 || when == format::return_when::first_completed;
    if (!release && when == format::return_when::first_exception) {
      // wait.return-when.first-exception.cancelled-not-exception
      release = !w.cancelled(f) && w.exception(f) != nullptr;
      if (release) w.exercise("wait.exception.retrieval");
      if (w.cancelled(f)) w.exercise("wait.return-when.first-exception.cancelled-not-exception");
    }
    if (release) {
      if (timeout_handle) timeout_handle->cancelled = true;
      if (!w.done(waiter)) {
        const char* clause = *counter == 0 ? "wait.return-when.all-completed"
                             : when == format::return_when::first_completed
                                 ? "wait.return-when.first-completed"
                                 : "wait.return-when.first-exception";
        w.set_result(waiter, nullptr, clause);
        if (timeout_handle) w.exercise("wait.timeout.early-return");
        // FIRST_EXCEPTION met by no exception: all done (...first-exception.none-raised).
        if (*counter == 0 && when == format::return_when::first_exception &&
            (w.cancelled(f) || !w.at(f).exception)) {
          w.exercise("wait.return-when.first-exception.none-raised");
        }
      }
    }
  };
  std::vector<std::uint64_t> ids;
  for (fid f : fs) ids.push_back(w.add_done_callback(f, on_completion));
  outcome woken = co_await w.wait(waiter);
  if (woken.raised()) w.exercise("wait.cancel.children-keep-running");
  if (timeout_handle) timeout_handle->cancelled = true;
  for (std::size_t i = 0; i < fs.size(); ++i) w.remove_done_callback(fs[i], ids[i]);
  if (woken.raised()) co_return woken;  // wait.cancel.children-keep-running
  in.decide(w.at(waiter).decided_by);
  std::vector<fid> done, pending;
  for (fid f : fs) (w.done(f) ? done : pending).push_back(f);
  // Two sets, no child's exception raised (wait.result-sets, wait.no-raise); done holds every
  // child done now (wait.done.membership); pending ones run on (wait.pending-keep-running),
  // also after a timeout (wait.timeout.no-cancel).
  w.exercise("wait.result-sets");
  if (std::any_of(done.begin(), done.end(),
                  [&w](fid f) { return w.cancelled(f) || w.at(f).exception; })) {
    w.exercise("wait.no-raise");
  }
  if (done.size() > 1) w.exercise("wait.done.membership");
  if (!pending.empty()) {
    w.exercise("wait.pending-keep-running");
    if (w.at(waiter).decided_by == "wait.timeout.returns") w.exercise("wait.timeout.no-cancel");
  }
  co_return json::array({encode_future_set(in, done), encode_future_set(in, pending)});
}

}  // namespace aioconform::model
