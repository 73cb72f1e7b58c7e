#pragma once

// The model's state: an asyncio event loop, its futures and tasks, as explicit data. Every
// transition (a future completing, a task step, a timer firing, a cancel request) is a
// member function that follows the profile's CPython source and names the SPEC.md clause
// it implements; the events it makes carry that clause, so that a checker can say which
// rule a differing trace breaks.
//
// Open choices (the order of timers with equal deadlines, loop.timer.equal-deadline.unordered)
// are asked of a chooser, so that one world is one schedule.

#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/model/outcome.h"
#include "spec/model/proc.h"
#include "spec/model/profile.h"
#include "spec/model/py_exception.h"

namespace aioconform::model {

using json = nlohmann::json;
using fid = std::uint32_t;  ///< a future's (or task's) index in the world

/// Where the events of a run go, each with the clause of the transition that made it.
class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual void event(json ev, std::string_view clause) = 0;
  /// A transition took the branch that `clause` describes, inside the transition of a
  /// broader clause (or where the run's end and reports are decided): clause coverage
  /// counts it, and nothing a checker compares depends on it.
  virtual void exercised(std::string_view clause) { (void)clause; }
  /// main is done and the loop has stopped (run.stop): what follows is asyncio.run's
  /// shutdown.
  virtual void loop_stopped() {}
};

/// Picks one of `n` (≥ 2) allowed alternatives at an open choice. `owners[i]` names the
/// task that scheduled alternative i (its timer), a hint for choosers that follow a trace;
/// no owners (empty) means no hint: the alternatives are likeliest in the order given.
class chooser {
 public:
  virtual ~chooser() = default;
  virtual std::size_t choose(std::size_t n, const std::vector<std::string>& owners) = 0;
};

/// A scheduled callback (asyncio.Handle / TimerHandle).
struct handle {
  std::function<void()> run;
  bool cancelled = false;
  std::string clause;  ///< why it was scheduled: the default clause of what it records
};
using handle_ref = std::shared_ptr<handle>;

enum class future_kind { future, task, gathering };
enum class future_status { pending, cancelled, finished };

struct done_callback {
  std::uint64_t id;
  std::function<void(fid)> fn;
};

/// What a task's coroutine yielded when it suspended.
enum class yield_kind { none, bare, future };

struct task_state {
  proc coro;                             ///< the root coroutine
  std::coroutine_handle<> resume_point;  ///< innermost suspended frame; null before the start
  bool must_cancel = false;
  int num_cancels_requested = 0;  ///< 3.11+: cancelling()
  std::optional<fid> fut_waiter;
  py_exception inject;  ///< thrown into the coroutine at this resumption
  yield_kind yielded = yield_kind::none;
  fid yielded_future = 0;
  bool log_destroy_pending = true;
  bool registered = false;      ///< in all_tasks (3.12: eager tasks only once they block)
  std::string cancel_clause;    ///< the clause of the first cancel() request: why it was cancelled
  int requests_since_step = 0;  ///< cancel() requests on it since its last step (coverage only)
  int timeouts_open = 0;        ///< timeout blocks it is in (coverage of timeout.nested.* only)
  int timeouts_expiring = 0;    ///< those of them that expired (coverage of timeout.nested.* only)
};

struct future_state {
  std::string name;  ///< the trace name ("" for an internal future)
  future_kind kind = future_kind::future;
  future_status status = future_status::pending;
  json result;
  py_exception exception;
  std::optional<std::string> cancel_message;
  py_exception cancelled_exc;
  bool log_traceback = false;
  std::vector<done_callback> callbacks;
  std::uint64_t hash = 0;        ///< tasks: the adapter's creation counter (set order)
  std::string decided_by;        ///< the clause of the transition that finished it
  bool shield_outer = false;     ///< a shield's outer future (shield.outer-cancel.future)
  bool shield_detached = false;  ///< a shield's child the shield let go (shield.never-retrieved)
  // _GatheringFuture
  std::vector<fid> children;
  bool cancel_requested = false;
  // Task
  std::unique_ptr<task_state> task;
};

/// Raised out of a run when the scenario cannot be interpreted (not a verdict).
struct scenario_error {
  std::string message;
};

class world {
 public:
  world(profile p, event_sink& sink, chooser& choices);
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  [[nodiscard]] const model::profile& active_profile() const { return profile_; }
  [[nodiscard]] bool at_least(int minor) const { return profile_.minor >= minor; }
  [[nodiscard]] std::int64_t now() const { return now_; }

  // ---- recording -----------------------------------------------------------------------
  /// Records an event at the current instant; an empty `clause` means the clause of the
  /// transition being run.
  void record(const std::string& task, const char* ev, json fields, std::string_view clause = {});
  /// Notes that the branch `clause` describes was taken (event_sink::exercised).
  void exercise(std::string_view clause) { sink_.exercised(clause); }

  // ---- futures (futures.py) -------------------------------------------------------------
  fid create_future(std::string name = "");
  future_state& at(fid f) { return futures_[f]; }
  [[nodiscard]] const future_state& at(fid f) const { return futures_[f]; }
  [[nodiscard]] std::size_t future_count() const { return futures_.size(); }
  [[nodiscard]] bool done(fid f) const { return at(f).status != future_status::pending; }
  [[nodiscard]] bool cancelled(fid f) const { return at(f).status == future_status::cancelled; }
  void set_result(fid f, json value, std::string_view clause);
  void set_exception(fid f, py_exception e, std::string_view clause);
  /// f.cancel(msg) dispatched on f's class (Future, Task, _GatheringFuture).
  bool cancel(fid f, std::optional<std::string> msg, std::string_view clause);
  /// Future.cancel itself.
  bool future_cancel(fid f, std::optional<std::string> msg, std::string_view clause);
  /// f.result(): the value it returns or the exception it raises (marks it retrieved).
  outcome result(fid f);
  /// f.result() for a caller that only passes the outcome on: returns what it would raise
  /// (null when it would return, the value then going to `value` if given).
  py_exception retrieve(fid f, json* value = nullptr);
  /// f.exception(): the exception or null; raises py_raise when cancelled.
  py_exception exception(fid f);
  /// f.exception() without raising: what it would raise goes to `raised`.
  py_exception exception(fid f, py_exception& raised);
  py_exception make_cancelled_error(fid f);
  /// A new asyncio.TimeoutError: its own class until 3.10, the builtin from 3.11.
  [[nodiscard]] py_exception make_timeout_error() const {
    return make_exception(at_least(11) ? "TimeoutError" : "asyncio.exceptions.TimeoutError", "");
  }
  std::uint64_t add_done_callback(fid f, std::function<void(fid)> fn);
  int remove_done_callback(fid f, std::uint64_t id);

  // ---- the loop (base_events.py) ---------------------------------------------------------
  handle_ref call_soon(std::function<void()> fn, std::string_view clause = {});
  handle_ref call_later(std::int64_t delay, std::function<void()> fn, std::string_view clause = {});
  /// One _run_once. False when nothing could ever run again (a hang).
  bool run_once();
  /// loop.run_until_complete(f): iterations until f's done callback stops the loop.
  /// False on a hang.
  bool run_until_complete(fid f);

  // ---- tasks (tasks.py) --------------------------------------------------------------------
  /// loop.create_task through the adapter's task factory: the default or the eager one.
  /// `bind` runs once the task exists, before an eager task's first step.
  fid create_task(proc coro, std::string name, const std::function<void(fid)>& bind = {});
  [[nodiscard]] std::optional<fid> current_task() const { return current_; }
  /// asyncio.all_tasks(): the pending tasks, in an allowed set order (see set_order).
  [[nodiscard]] std::vector<fid> all_tasks();
  /// A set's iteration order where it shows: CPython's order of `fs` is given; any order
  /// is allowed (sets are unordered; PyPy's keep insertion order), so the model asks the
  /// chooser, alternative 0 being CPython's.
  std::vector<fid> set_order(std::vector<fid> fs);
  int uncancel(fid t);
  [[nodiscard]] int cancelling(fid t) const { return at(t).task->num_cancels_requested; }
  /// The clause of the cancel request a task's cancellation answers ("task.cancelled.state"
  /// when it was not asked to cancel, e.g. a CancelledError it raised itself).
  [[nodiscard]] std::string cancellation_clause(fid t) const;

  // ---- awaiting (Future.__await__, sleep(0)'s bare yield) -------------------------------
  struct future_awaiter {
    world& w;
    fid f;
    /// A done future is not waited for (task.await.done-no-suspend).
    bool await_ready() const {
      if (!w.done(f)) return false;
      w.exercise("task.await.done-no-suspend");
      return true;
    }
    void await_suspend(std::coroutine_handle<> h);
    /// The future's result, or what was thrown into the task while it waited.
    outcome await_resume();
  };
  struct yield_awaiter {
    world& w;
    bool await_ready() const { return false; }
    void await_suspend(std::coroutine_handle<> h);
    /// A null value, or what was thrown into the task while it yielded.
    outcome await_resume();
  };
  future_awaiter wait(fid f) { return {*this, f}; }
  yield_awaiter bare_yield() { return {*this}; }

  /// asyncio.sleep(d) as a coroutine.
  proc sleep(std::int64_t d);

 private:
  void schedule_callbacks(fid f);
  void task_step(fid t, py_exception exc);
  void task_step_run_and_handle_result(fid t, py_exception exc);
  void task_wakeup(fid t, fid awaited);
  void eager_start(fid t);
  bool task_cancel(fid t, std::optional<std::string> msg, std::string_view clause);
  bool gathering_cancel(fid g, std::optional<std::string> msg, std::string_view clause);

  model::profile profile_;
  event_sink& sink_;
  chooser& choices_;
  std::int64_t now_ = 0;
  std::deque<future_state> futures_;
  std::deque<handle_ref> ready_;
  struct timer {
    std::int64_t when;
    std::uint64_t seq;
    handle_ref h;
    std::string owner;      ///< the task that scheduled it ("" outside tasks)
    bool deferred = false;  ///< due, but left for a later iteration (real clock only)
  };
  std::vector<timer> timers_;
  std::uint64_t timer_seq_ = 0;
  std::uint64_t callback_ids_ = 0;
  std::uint64_t task_hashes_ = 0;
  std::optional<fid> current_;
  bool stopping_ = false;
  std::string active_clause_;    ///< the running handle's clause
  std::uint64_t iteration_ = 0;  ///< run_once calls so far (coverage only)
  /// The iteration in which a cancel() last woke a task by cancelling the future it awaited
  /// (coverage of task.cancel.delivery.order only).
  std::optional<std::uint64_t> forwarded_in_;
};

}  // namespace aioconform::model
