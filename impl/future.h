#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/frame_pool.h"

namespace aioconform::impl {

/// What a future of T stores: T, or std::monostate for void.
template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// A done callback: `fn(ctx, fut)`, run through call_soon once the future is done.
using done_fn = void (*)(void* ctx, future_base* fut);

/// The untyped part of an asyncio future: state, exception, done callbacks, refcount.
///
/// Invariant: `pending` until exactly one of set_result/set_exception/cancel succeeds;
/// then done callbacks were scheduled once, in registration order (loop.future.callbacks),
/// and later add_done_callback calls schedule at once. held_exception() is the exception
/// when finished with one, and (if any) the saved CancelledError when cancelled, until
/// its first retrieval.
/// The callbacks registered while pending are scheduled as one ready-queue entry that runs
/// them in order: asyncio schedules one handle each, but queued together nothing can run
/// between them, and one two-word entry instead of a three-word one per callback is 8 MB
/// less at 10^6 tasks. They stay registered until it runs, but no longer count for
/// remove_done_callback: asyncio empties its list when it schedules them.
/// Objects are reference-counted; the last release() of a future whose exception nobody
/// retrieved reports "<kind> exception was never retrieved" (task.never-retrieved).
class future_base {
 public:
  enum class state : std::uint8_t { pending, cancelled, finished };

  future_base(const future_base&) = delete;
  future_base& operator=(const future_base&) = delete;

  event_loop* loop() const noexcept { return loop_; }
  state current_state() const noexcept { return state_; }
  bool done() const noexcept { return state_ != state::pending; }
  bool cancelled() const noexcept { return state_ == state::cancelled; }
  /// Whether awaiting this future raises a CancelledError: it is cancelled, or finished
  /// with one as its exception (a cancelled gather). Retrieves nothing.
  bool delivers_cancelled_error() const noexcept {
    return cancelled() ||
           (state_ == state::finished && held_exception() && is_cancelled_error(held_exception()));
  }

  /// Future.cancel: a pending future becomes cancelled at once and schedules its callbacks
  /// (task.cancel.future-immediate); returns false if it was done. Either way it clears
  /// the never-retrieved flag (task.exception.cancel-silences). Tasks and gathers override.
  virtual bool cancel(std::string msg = "");

  /// Future.exception: null if finished with a result, the exception if finished with
  /// one (marking it retrieved, task.exception.retrieval); throws the CancelledError if
  /// cancelled and invalid_state_error if pending.
  std::exception_ptr exception();
  /// Future.set_exception. Throws invalid_state_error if done.
  void set_exception(std::exception_ptr e);

  /// The CancelledError a retrieval of a cancelled future sees (awaiting it, result(),
  /// exception()): the first gets the one that left a task's coroutine if any (3.11+,
  /// task.cancel.message.awaiter) and uses it up; the others get a new one with the
  /// cancel message ("" for such a task).
  std::exception_ptr make_cancelled_error();
  /// The message given to the cancel() that cancelled this future ("" for a task whose
  /// coroutine let a CancelledError out, as in CPython).
  const std::string& cancel_message() const noexcept;

  /// The exception this future holds (see the invariant; a pending task keeps there the
  /// error it delivers next or the one that left its coroutine), or null. Retrieves
  /// nothing: asyncio's Future._exception, for tools that show a future as it is.
  const std::exception_ptr& held_exception() const noexcept;
  /// Whether its exception would be reported as never retrieved (Future._log_traceback).
  bool log_traceback() const noexcept { return log_traceback_; }

  /// Registers `fn(ctx, this)`; scheduled with call_soon when done, or at once if done.
  void add_done_callback(done_fn fn, void* ctx);
  /// Removes every registration of (fn, ctx) while pending; returns how many were removed
  /// (0 once done: the callbacks were scheduled).
  std::size_t remove_done_callback(done_fn fn, void* ctx);

  /// The value_slot<T> of a future of T (future<T> keeps one pointer, not two).
  virtual void* value_storage() noexcept = 0;

  /// Whether this is a task (task.h's task_base), which a combinator may have to schedule.
  bool is_task() const noexcept { return is_task_; }

  /// "Future", "Task" or "_GatheringFuture", as in the never-retrieved message.
  virtual const char* kind() const noexcept { return "Future"; }

  void add_ref() noexcept { ++refs_; }
  /// Whether exactly one reference exists (then its holder alone can see the value).
  bool sole_reference() const noexcept { return refs_ == 1; }
  void release() noexcept;
  /// How many references exist (for the collector, collector.h).
  std::uint32_t ref_count() const noexcept { return refs_; }

  // For the collector (collector.h), CPython's tp_traverse and tp_clear.

  /// The callbacks registered while pending, in order (none once done).
  std::vector<std::pair<done_fn, void*>> done_callbacks() const;
  /// Appends the futures this object holds a reference to, other than through its done
  /// callbacks (a gathering future's children), once per reference. Default: none.
  virtual void traverse(std::vector<future_base*>& out) const;
  /// Drops those references: the collector frees a cycle this object is part of. The object
  /// is then only destroyed, never awaited or completed again.
  virtual void clear_references() noexcept {}

  /// A scratch bit for combinators that must see each distinct future once (gather, wait):
  /// they set it while walking their arguments and clear it before returning, so it is
  /// false between calls. O(1) instead of a set of seen futures.
  bool marked() const noexcept { return marked_; }
  void set_marked(bool m) noexcept { marked_ = m; }

  /// Futures, and the coroutine frames of tasks (whose promise is a future), come from
  /// the frame pool.
  static void* operator new(std::size_t size) { return frame_pool::allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    frame_pool::deallocate(p, size);
  }

  // For implementers of future types (the typed value lives in a value_slot<T>).

  /// Marks the future done in state `s` and schedules its callbacks.
  void mark_done(state s);
  /// Throws invalid_state_error unless pending.
  void require_pending(const char* what) const;
  /// Result access: throws the CancelledError, invalid_state_error or the exception
  /// (marking it retrieved); returns if finished with a result.
  void check_result();
  /// check_result() without throwing: returns what it would throw, with the same effects
  /// (retrieval, the saved CancelledError used up), or null if finished with a result.
  std::exception_ptr result_exception();

 protected:
  explicit future_base(event_loop* loop) noexcept : loop_(loop) {}
  virtual ~future_base() = default;
  /// Frees the object; tasks destroy their coroutine frame instead.
  virtual void destroy() noexcept { delete this; }

  /// Sets the message cancel_message() returns; an empty one allocates nothing.
  void set_cancel_message(std::string msg);

  /// Replaces held_exception(); holding none allocates nothing.
  void set_held_exception(std::exception_ptr e);
  /// Hands it out, holding none afterwards.
  std::exception_ptr take_held_exception() noexcept;

  /// A task's count of cancellation requests (asyncio's _num_cancels_requested), 0 for
  /// other futures. Out of line because a task rarely has one.
  int num_cancels_requested() const noexcept { return rare_ ? rare_->num_cancels_requested : 0; }
  void set_num_cancels_requested(int n);

  event_loop* loop_;

 private:
  struct registration {
    done_fn fn = nullptr;
    void* ctx = nullptr;
  };

  /// What most futures never need, allocated on first use: at 10^6 tasks each word kept
  /// in every future is 8 MB, and a word more makes a task frame a size class larger.
  struct rare {
    std::exception_ptr exception;
    registration wide_first;  ///< the first callback, when `first_` could not hold it
    std::vector<registration> more_callbacks;
    std::string cancel_message;
    int num_cancels_requested = 0;
  };
  rare& rare_data();
  /// The ready-queue entry of mark_done: runs the callbacks registered while pending.
  static void run_done_callbacks(void* self, bool run);

  /// The first done callback, or an empty one.
  registration first_callback() const noexcept;
  /// Sets `first_` to `r` (empty: none), in rare data if it does not fit in one word.
  void set_first_callback(registration r);

  // Most futures have at most one done callback (their awaiter or their gather): it is
  // kept inline, in one word, and only further ones allocate. The word is `ctx`'s address
  // (aligned to 8) with, in its three low bits, the index of `fn` among the few functions
  // futures see most (known_done_fns in future.cpp); wide_first_tag means that the callback
  // did not fit and is rare_->wide_first. A second word would make a task<int64>'s frame a
  // size class larger: 8 MB at 10^6 tasks. Invariant: `first_` is 0 only when there are no
  // more callbacks; order is first_, then rare_->more_callbacks.
  static constexpr std::uintptr_t callback_index_bits = 7;
  static constexpr std::uintptr_t wide_first_tag = callback_index_bits;
  std::uintptr_t first_ = 0;
  std::unique_ptr<rare> rare_;
  std::uint32_t refs_ = 0;
  state state_ = state::pending;

 protected:
  bool log_traceback_ : 1 = false;
  bool marked_ : 1 = false;
  // A task's flags (task.h), in this object's last word: a word of their own would make a
  // task<int64>'s frame a size class (16 bytes) larger. Unused by other futures.
  bool must_cancel_ : 1 = false;  ///< asyncio's _must_cancel
  bool started_ : 1 = false;      ///< the coroutine has been resumed once
  bool frame_done_ : 1 = false;   ///< its own coroutine reached final suspension
  bool inline_ : 1 = false;       ///< awaited inline and not finished
  bool is_task_ : 1 = false;      ///< set by task_base's constructor
  /// asyncio's Task._log_destroy_pending: whether destroying it pending is reported.
  bool log_destroy_pending_ : 1 = true;
  /// What a pending task's held_exception() is: the error to throw at the next resumption
  /// and the one that left the coroutine share it.
  enum class held : std::uint8_t { nothing, injected, raised };
  held held_ = held::nothing;
};

/// Holds a trivial value with optional's interface but no engaged flag: a future's state
/// already says whether a value was set (finished without an exception), and the flag
/// would cost 8 bytes per task for an int64.
template <class U>
struct trivial_value {
  U held{};
  template <class... A>
  void emplace(A&&... a) {
    held = U(std::forward<A>(a)...);
  }
  U& operator*() noexcept { return held; }
  const U& operator*() const noexcept { return held; }
};

/// Where a future of T keeps its value; mixed into future_core<T> and task promises.
/// `*value` is valid once the future finished with a result.
template <class T, bool Trivial = std::is_trivially_copyable_v<stored_t<T>>&&
                       std::is_trivially_default_constructible_v<stored_t<T>>>
struct value_slot {
  std::optional<stored_t<T>> value;
};
template <class T>
struct value_slot<T, true> {
  trivial_value<stored_t<T>> value;
};

/// A plain future of T: a future_base with a value_slot.
template <class T>
class future_core : public future_base, public value_slot<T> {
 public:
  explicit future_core(event_loop* loop) noexcept : future_base(loop) {}
  void* value_storage() noexcept final { return static_cast<value_slot<T>*>(this); }
};

/// A handle to an asyncio Future of T (T may be void), shared by copying.
///
/// On success `result()` returns the value; on failure it throws the exception (which
/// counts as retrieved, task.exception.retrieval); if cancelled it throws the
/// cancelled_error (task.await.outcome). Awaiting it in a task (task.h) suspends until it
/// is done (task.await.resume), or not at all if it is done (task.await.done-no-suspend).
template <class T>
class future {
 public:
  using value_type = T;

  /// A new pending plain future on `loop`.
  explicit future(event_loop& loop) : future(new future_core<T>(&loop)) {}
  /// Adopts a future object that is its own value_slot<T>, taking a reference.
  template <class Core>
  requires std::is_base_of_v<value_slot<T>, Core>
  explicit future(Core* core) noexcept : base_(core) {
    if (base_) base_->add_ref();
  }
  future(const future& o) noexcept : base_(o.base_) {
    if (base_) base_->add_ref();
  }
  future(future&& o) noexcept : base_(std::exchange(o.base_, nullptr)) {}
  future& operator=(future o) noexcept {
    std::swap(base_, o.base_);
    return *this;
  }
  ~future() {
    if (base_) base_->release();
  }

  bool done() const noexcept { return base_->done(); }
  bool cancelled() const noexcept { return base_->cancelled(); }
  /// See future_base::cancel (tasks and gathers override it).
  bool cancel(std::string msg = "") { return base_->cancel(std::move(msg)); }
  /// The result; throws the exception or cancelled_error; invalid_state_error if pending.
  T result() {
    base_->check_result();
    if constexpr (!std::is_void_v<T>) return *slot()->value;
  }
  std::exception_ptr exception() { return base_->exception(); }
  /// Future.set_result; throws invalid_state_error if done.
  void set_result(stored_t<T> v = {}) {
    base_->require_pending("set_result");
    slot()->value.emplace(std::move(v));
    base_->mark_done(future_base::state::finished);
  }
  void set_exception(std::exception_ptr e) { base_->set_exception(std::move(e)); }
  void add_done_callback(done_fn fn, void* ctx) { base_->add_done_callback(fn, ctx); }
  std::size_t remove_done_callback(done_fn fn, void* ctx) {
    return base_->remove_done_callback(fn, ctx);
  }

  future_base* base() const noexcept { return base_; }
  value_slot<T>* slot() const noexcept {
    return static_cast<value_slot<T>*>(base_->value_storage());
  }
  friend bool operator==(const future& a, const future& b) noexcept { return a.base_ == b.base_; }

 protected:
  future_base* base_;
};

}  // namespace aioconform::impl
