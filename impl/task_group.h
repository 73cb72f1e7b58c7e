#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl {

/// ExceptionGroup: what a task group raises when children (or its body) failed. Its
/// message is str(eg): "unhandled errors in a TaskGroup (N sub-exception[s])"
/// (taskgroup.exception-group).
class exception_group_error : public error {
 public:
  exception_group_error(const std::string& message, std::vector<std::exception_ptr> exceptions);
  /// The members, in the order the group collected them (taskgroup.exception-group.multiple).
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return exceptions_; }

 private:
  std::vector<std::exception_ptr> exceptions_;
};

/// asyncio.TaskGroup (3.13 taskgroups.py), the state of one `async with TaskGroup()` block.
///
/// C++ has no async context manager, so a block is written out, __aexit__'s wait loop
/// included (an awaiter cannot suspend twice):
///
///     task_group tg;
///     co_await tg.enter();                             // __aenter__
///     std::exception_ptr e;
///     try { tg.create_task(...); ...body... } catch (...) { e = std::current_exception(); }
///     tg.begin_exit(e);                                // __aexit__ up to its wait loop
///     while (tg.has_tasks()) co_await tg.wait_tasks(); // `while self._tasks: await ...`
///     tg.end_exit();                                   // the rest: may throw
///
/// Success: leaving the block waits for every child (taskgroup.wait-all); children start
/// like create_task (taskgroup.children.start). Child failure: the first child to end with
/// an exception other than cancelled_error cancels every unfinished child, in creation order
/// (taskgroup.failure-cancels-siblings), and the task running the block
/// (taskgroup.failure-cancels-body); the group waits for them, cleanups included
/// (taskgroup.waits-for-cancelled-children), withdraws its cancellation of the task
/// (uncancel() after the wait, 3.13: taskgroup.uncancel), and throws exception_group_error
/// holding the children's exceptions in completion order, then the body's
/// (taskgroup.exception-group, taskgroup.exception-group.multiple, taskgroup.body-raises).
/// Child cancellation from elsewhere is not an error (taskgroup.child-cancelled).
/// Outer cancellation of the task running the block: children are cancelled and awaited,
/// then the cancelled_error is rethrown (taskgroup.parent-cancel) — unless a child failed,
/// then the group error wins and the task's cancellation is requested again (3.13,
/// taskgroup.parent-cancel.errors-win, taskgroup.parent-cancel.recancel). An empty group
/// completes at once (taskgroup.empty). Timeouts: none of its own; inside a timeout block
/// its uncancel() keeps the block's baseline (taskgroup.uncancel).
///
/// Invariant: `tasks_` holds, with one reference each, the children whose done callback has
/// not run; `parent_cancel_requested_` implies `errors_` is not empty.
/// Neither copyable nor movable: children's done callbacks refer to it.
class task_group {
 public:
  task_group() = default;
  ~task_group();
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;

  /// The awaitable of __aenter__: binds to the running task. Does not suspend. Throws
  /// error("RuntimeError") if entered before.
  class enter_awaiter {
   public:
    explicit enter_awaiter(task_group* group) noexcept : group_(group) {}
    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) {
      group_->enter(h.promise().runner());
      return false;
    }
    void await_resume() const noexcept {}

   private:
    task_group* group_;
  };
  enter_awaiter enter() noexcept { return enter_awaiter(this); }

  /// TaskGroup.create_task: schedules `t` (task.start.next-iteration) and adds it to the
  /// group. Throws error("RuntimeError") before enter(), after the group finished, or once
  /// it is aborting ("TaskGroup is shutting down"); `t` is then not scheduled.
  template <class T>
  task<T> create_task(task<T> t) {
    check_can_create();
    t.base()->schedule(*loop_);
    add(*t.base());
    return t;
  }

  /// __aexit__'s start, with `e` the exception leaving the body (null if none): aborts on
  /// an exception (taskgroup.body-raises, taskgroup.parent-cancel).
  void begin_exit(std::exception_ptr e);
  /// Whether children are still running (`self._tasks`).
  bool has_tasks() const noexcept { return !tasks_.empty(); }

  /// The awaitable of one pass of __aexit__'s wait loop: waits until the last child is
  /// done; a cancellation of the waiting task ends the pass and aborts the group (once).
  class wait_awaiter {
   public:
    explicit wait_awaiter(task_group* group);
    bool await_ready() const noexcept { return inner_.await_ready(); }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      inner_.await_suspend(h);
    }
    void await_resume();

   private:
    task_group* group_;
    detail::future_awaiter<void> inner_;
  };
  /// One pass of the wait loop; call while has_tasks().
  wait_awaiter wait_tasks() { return wait_awaiter(this); }

  /// __aexit__'s end: throws the cancelled_error, the exception_group_error, or `e` given to
  /// begin_exit, or returns (taskgroup.exception-group, taskgroup.parent-cancel).
  void end_exit();
  /// end_exit() without throwing: returns what it would throw, or null.
  [[nodiscard]] std::exception_ptr end_exit_exception();

  /// How many children the group is waiting for.
  std::size_t size() const noexcept { return tasks_.size(); }
  /// Whether the group is cancelling its children (`_aborting`).
  bool aborting() const noexcept { return aborting_; }

 private:
  void enter(task_base& parent);
  void check_can_create() const;
  void add(task_base& t);
  void abort();
  static void on_task_done(void* ctx, future_base* f);

  event_loop* loop_ = nullptr;
  task_base* parent_ = nullptr;  ///< the task running the block (it owns this object)
  bool entered_ = false;
  bool exiting_ = false;
  bool aborting_ = false;
  bool parent_cancel_requested_ = false;       ///< the group cancelled parent_ for a failure
  std::vector<future_base*> tasks_;            ///< unfinished children, creation order
  std::vector<std::exception_ptr> errors_;     ///< children's failures, completion order
  std::optional<future<void>> on_completed_;   ///< what the wait loop awaits
  std::exception_ptr exit_error_;              ///< `exc` given to __aexit__
  std::exception_ptr propagate_cancellation_;  ///< propagate_cancellation_error
};

}  // namespace aioconform::impl
