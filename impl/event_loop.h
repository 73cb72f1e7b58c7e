#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace aioconform::impl {

class future_base;

/// Loop time, in integer units: the virtual clock counts units from 0; the steady clock
/// counts milliseconds since the loop was made.
using loop_time = std::int64_t;

/// Which clock an event_loop keeps.
enum class clock_kind {
  virtual_time,  ///< time jumps to the earliest deadline when nothing is ready
                 ///< (loop.timer.virtual-exact)
  steady,        ///< std::chrono::steady_clock; the loop sleeps until the earliest deadline
};

/// A callback the loop runs: `fn(ctx, fut)`. When `fut` is not null the entry holds a
/// reference to it, dropped after the call (or when the entry is discarded unrun). Three
/// words, no allocation: futures and tasks schedule themselves through it.
struct callback {
  void (*fn)(void* ctx, future_base* fut);
  void* ctx;
  future_base* fut;
};

/// The compact callback of the loop's own hot paths (a task's step, a future's done
/// callbacks): `fn(arg, true)` runs it; the loop calls `fn(arg, false)` instead when it is
/// destroyed with the callback unrun, so that it drops what it holds. Two words: at 10^6
/// tasks every task has one queued at once (its first step, then its done callbacks).
using ready_fn = void (*)(void* arg, bool run);

/// Identifies a timer for cancel_timer(); 0 is never a valid id.
using timer_id = std::uint64_t;

/// What the loop's exception handler receives (asyncio's exception-handler context).
struct exception_context {
  std::string message;           ///< e.g. "Task exception was never retrieved"
  std::exception_ptr exception;  ///< the exception concerned
  /// The future or task concerned (asyncio's 'future' or 'task' key), or null. Valid only
  /// during the handler's call: a never-retrieved report comes from the future's release.
  const future_base* future = nullptr;
};

/// Links a task into its loop's list of tasks (asyncio.all_tasks); managed by task_base.
struct task_link {
  task_link* prev = nullptr;
  task_link* next = nullptr;
};

namespace detail {
/// Lets go of the loop's references to the tasks still pending when it is closed, and
/// collects the cycles left among them (defined in collector.cpp).
void close_tasks(std::vector<task_link*> tasks) noexcept;
}  // namespace detail

/// An asyncio event loop: a FIFO ready queue, a timer heap and a clock.
///
/// Invariant: every callback in `ready_` was scheduled before the current iteration began,
/// or during it (then it runs in a later iteration, loop.call_soon.next-iteration); every
/// live timer's deadline is at or after the time at which it was scheduled plus its delay
/// (loop.timer.never-early).
///
/// One loop per thread; while it runs, `event_loop::running()` returns it. Futures and
/// tasks refer to their loop, which must outlive them.
class event_loop {
 public:
  explicit event_loop(clock_kind clock = clock_kind::virtual_time);
  /// Closes it first, reporting nothing.
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  /// The loop running on this thread, or null.
  static event_loop* running() noexcept;

  /// Current loop time.
  loop_time time() const;

  /// Schedules `cb` to run in a later iteration, after every callback already scheduled
  /// (loop.call_soon.fifo, loop.call_soon.next-iteration).
  void call_soon(callback cb);
  /// The same for a compact callback.
  void call_soon(ready_fn fn, void* arg);
  /// Puts a compact callback first in the ready queue: for one interrupted by an
  /// exception that must still run before anything queued after it.
  void call_soon_first(ready_fn fn, void* arg);
  /// Convenience for tests and tools: schedules a std::function (one allocation).
  void call_soon(std::function<void()> fn);

  /// Schedules `cb` to run at `deadline` (never earlier: loop.timer.never-early). Due timers
  /// join the ready queue at the start of an iteration, behind callbacks already queued
  /// (loop.timer.after-ready), in (deadline, scheduling) order: equal deadlines run in
  /// scheduling order, one of the orders loop.timer.equal-deadline.unordered allows.
  timer_id call_at(loop_time deadline, callback cb);
  timer_id call_at(loop_time deadline, std::function<void()> fn);
  /// call_at(time() + delay, ...).
  timer_id call_later(loop_time delay, callback cb);
  timer_id call_later(loop_time delay, std::function<void()> fn);
  /// Cancels a timer, as TimerHandle.cancel() does: its callback will not run, even when
  /// the timer is already due and waiting in the ready queue (base_events.py _run_once
  /// skips cancelled handles). Cancelling a timer that already ran, or twice, does nothing.
  void cancel_timer(timer_id id);

  /// Runs one iteration (BaseEventLoop._run_once): if nothing is ready, advances the clock
  /// to the earliest deadline; moves due timers to the ready queue; runs the callbacks that
  /// were ready when the iteration began. Returns false (doing nothing) when nothing is
  /// ready and no timer is pending: the loop hangs (loop.hang).
  bool run_once();

  /// Runs iterations until `f` is done; stops at the end of the iteration in which `f`'s
  /// done callback ran (run.stop). Throws error("RuntimeError", ...) if the loop hangs first.
  /// An unscheduled task must be scheduled first (see task.h: run_until_complete).
  void run_until_complete(future_base& f);

  /// Calls the exception handler (default: writes the message to stderr).
  void call_exception_handler(const exception_context& context);
  /// Replaces the exception handler; reports of never-retrieved exceptions go to it.
  void set_exception_handler(std::function<void(const exception_context&)> handler);

  /// Number of timers scheduled and not cancelled or due yet.
  std::size_t pending_timers() const noexcept { return scheduled_timers_.size(); }
  /// Number of callbacks in the ready queue.
  std::size_t ready_callbacks() const noexcept { return ready_.size(); }

  /// loop.close() followed by a collection: drops the unrun callbacks and timers and the
  /// loop's references to its pending tasks, so that the objects nothing else holds are
  /// destroyed now, a pending task reporting "Task was destroyed but it is pending!"
  /// (Task.__del__, run.reports.finalization). Pending tasks held only in reference cycles
  /// (a gather and its pending child, a shield and its child) are destroyed too, as CPython's
  /// cyclic collector destroys them (collector.h); those still held from outside are left to
  /// their holders. The loop must not run afterwards.
  void close();

  /// Tasks of this loop that are not done (asyncio.all_tasks), in creation order.
  std::vector<task_link*> all_tasks() const;
  /// Called by tasks when scheduled and when done.
  void register_task(task_link* t) noexcept;
  void unregister_task(task_link* t) noexcept;

 private:
  struct timer {
    loop_time deadline;
    timer_id seq;
    callback cb;
  };
  struct timer_later {
    bool operator()(const timer& a, const timer& b) const noexcept {
      return a.deadline != b.deadline ? a.deadline > b.deadline : a.seq > b.seq;
    }
  };

  struct ready_entry {
    ready_fn fn;
    void* arg;
  };
  /// A ready-queue entry in one word: at 10^6 tasks every task has one queued at once, so
  /// each word is 8 MB. The argument's address (aligned to 8) carries in its three low bits
  /// the index of its function in `fns_`; index 0 stands for the next entry of `wide_`.
  using packed_entry = std::uintptr_t;
  static constexpr packed_entry index_bits = 7;

  packed_entry pack(ready_fn fn, void* arg, bool front);
  /// Pops the first entry and calls its function with `run`.
  void run_first(bool run);

  static void discard(const callback& cb) noexcept;
  /// The ready-queue entry of a call_soon(callback): runs (or discards) spilled_'s first.
  static void run_spilled(void* loop, bool run);
  /// The ready-queue entry of a due timer: runs its callback unless it was cancelled.
  static void run_due_timer(void* id, bool run);
  void pop_timer();

  clock_kind clock_;
  loop_time virtual_now_ = 0;
  std::chrono::steady_clock::time_point epoch_;
  std::deque<packed_entry> ready_;
  // The loop's compact functions, in order of first use (a handful: a task's step, a
  // future's done callbacks, the two below); fns_[0] is unused.
  std::array<ready_fn, index_bits + 1> fns_{};
  // Entries whose function is not in fns_ or whose argument is not aligned, in queue order.
  std::deque<ready_entry> wide_;
  // The three-word callbacks of call_soon(callback), in queue order: ready_ holds one
  // run_spilled entry for each, so the two queues stay in step.
  std::deque<callback> spilled_;
  std::vector<timer> timers_;  // a binary heap under timer_later
  // Cancellation of a pending timer is lazy: its entry stays in `timers_`, only its id
  // leaves this set, and an entry whose id is not in it is discarded unrun.
  std::unordered_set<timer_id> scheduled_timers_;  // in `timers_`, not cancelled
  // A due timer's callback waits here; `ready_` holds run_due_timer with its id. Cancelling
  // it discards the callback at once, as TimerHandle.cancel() drops its callback.
  std::unordered_map<timer_id, callback> due_timers_;
  timer_id next_timer_ = 1;
  task_link tasks_;  // sentinel of the circular task list
  std::function<void(const exception_context&)> exception_handler_;
};

}  // namespace aioconform::impl
