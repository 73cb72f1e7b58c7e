#include "impl/task_group.h"

#include <algorithm>
#include <utility>

#include "impl/mutant.h"

namespace aioconform::impl {

namespace {

std::string group_message(const std::string& message, std::size_t n) {
  // BaseExceptionGroup.__str__.
  return message + " (" + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s") + ")";
}

}  // namespace

exception_group_error::exception_group_error(const std::string& message,
                                             std::vector<std::exception_ptr> exceptions)
    : error("ExceptionGroup", group_message(message, exceptions.size())),
      exceptions_(std::move(exceptions)) {}

task_group::~task_group() {
  for (future_base* t : tasks_) {
    t->remove_done_callback(&task_group::on_task_done, this);
    t->release();
  }
}

void task_group::enter(task_base& parent) {
  if (entered_) throw error("RuntimeError", "TaskGroup has already been entered");
  loop_ = parent.loop();
  parent_ = &parent;
  entered_ = true;
}

void task_group::check_can_create() const {
  if (!entered_) throw error("RuntimeError", "TaskGroup has not been entered");
  if (exiting_ && tasks_.empty()) throw error("RuntimeError", "TaskGroup is finished");
  if (aborting_) throw error("RuntimeError", "TaskGroup is shutting down");
}

void task_group::add(task_base& t) {
  t.add_ref();
  tasks_.push_back(&t);
  if (t.done()) {
    on_task_done(this, &t);  // never for a task just scheduled (no eager factory here)
  } else {
    t.add_done_callback(&task_group::on_task_done, this);
  }
}

void task_group::abort() {
  aborting_ = true;
  // A copy: cancel() runs no callbacks, but the order must not depend on that.
  std::vector<future_base*> tasks = tasks_;
  for (future_base* t : tasks) {
    if (!t->done()) t->cancel();
  }
}

// taskgroups.py: TaskGroup._on_task_done.
void task_group::on_task_done(void* ctx, future_base* f) {
  auto* self = static_cast<task_group*>(ctx);
  auto it = std::find(self->tasks_.begin(), self->tasks_.end(), f);
  if (it == self->tasks_.end()) return;
  self->tasks_.erase(it);
  struct releaser {
    future_base* f;
    ~releaser() { f->release(); }
  } guard{f};
  if (self->on_completed_ && self->tasks_.empty() && !self->on_completed_->done()) {
    self->on_completed_->set_result();
  }
  if (f->cancelled()) return;  // taskgroup.child-cancelled
  std::exception_ptr e = f->exception();
  if (!e) return;
  self->errors_.push_back(e);
  if (self->parent_->done()) {
    self->loop_->call_exception_handler(
        {"Task has errored out but its parent task is already completed", e, f});
    return;
  }
  if (!self->aborting_ && !self->parent_cancel_requested_) {
    self->abort();  // taskgroup.failure-cancels-siblings
    self->parent_cancel_requested_ = true;
    self->parent_->cancel();  // taskgroup.failure-cancels-body
  }
}

void task_group::begin_exit(std::exception_ptr e) {
  exiting_ = true;
  exit_error_ = std::move(e);
  if (is_cancelled_error(exit_error_)) propagate_cancellation_ = exit_error_;
  if (exit_error_ && !aborting_) abort();
}

task_group::wait_awaiter::wait_awaiter(task_group* group)
    : group_(group),
      inner_((group->on_completed_ ? *group->on_completed_
                                   : group->on_completed_.emplace(*group->loop_)),
             nullptr) {}

void task_group::wait_awaiter::await_resume() {
  std::exception_ptr e = inner_.resume_outcome().exception;
  if (e && !is_cancelled_error(e)) std::rethrow_exception(std::move(e));
  if (e && !group_->aborting_) {
    group_->propagate_cancellation_ = std::move(e);
    group_->abort();  // taskgroup.parent-cancel
  }
  group_->on_completed_.reset();
}

void task_group::end_exit() {
  if (std::exception_ptr e = end_exit_exception()) std::rethrow_exception(std::move(e));
}

std::exception_ptr task_group::end_exit_exception() {
  // 3.13 withdraws its own request only now, after the wait (taskgroup.uncancel).
  // Mutant gh-95289 (fixed before 3.11.0): only when the block ends with CancelledError, so
  // a body that caught the group's cancellation leaves the parent's count raised.
  if (parent_cancel_requested_ && (!reintroduces(95289) || is_cancelled_error(exit_error_)) &&
      parent_->uncancel() == 0) {
    propagate_cancellation_ = nullptr;
  }
  // Mutant gh-95704 (fixed before 3.11.0): an outside cancellation wins over the children's
  // errors, which are lost (taskgroup.parent-cancel.errors-win).
  if (propagate_cancellation_ && (errors_.empty() || reintroduces(95704))) {
    return propagate_cancellation_;
  }
  if (exit_error_ && !is_cancelled_error(exit_error_)) errors_.push_back(exit_error_);
  if (!errors_.empty()) {
    if (parent_->cancelling() > 0) {  // taskgroup.parent-cancel.recancel (3.13)
      parent_->uncancel();
      parent_->cancel();
    }
    return std::make_exception_ptr(
        exception_group_error("unhandled errors in a TaskGroup", std::exchange(errors_, {})));
  }
  return exit_error_;
}

}  // namespace aioconform::impl
