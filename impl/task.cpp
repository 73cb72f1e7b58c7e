#include "impl/task.h"

namespace aioconform::impl {

bool task_base::cancel(std::string msg) {
  log_traceback_ = false;
  if (done()) return false;
  set_num_cancels_requested(num_cancels_requested() + 1);
  if (!inline_ && fut_waiter_ && fut_waiter_->cancel(msg)) return true;
  must_cancel_ = true;
  set_cancel_message(std::move(msg));
  return true;
}

int task_base::uncancel() noexcept {
  int n = num_cancels_requested();
  if (n > 0) {
    set_num_cancels_requested(--n);  // allocates nothing: the count is out of line already
    if (n == 0) must_cancel_ = false;
  }
  return n;
}

void task_base::schedule(event_loop& loop) {
  if (loop_) return;
  loop_ = &loop;
  add_ref();  // the loop's reference, dropped when done
  loop.register_task(this);
  yield_now();
}

void task_base::suspend_on(future_base& f) {
  fut_waiter_ = &f;
  f.add_done_callback(&task_base::wakeup, this);
}

void task_base::yield_now() {
  add_ref();  // held by the entry
  loop_->call_soon(&task_base::run_step, this);
}

void task_base::rethrow_injected() {
  if (std::exception_ptr e = take_injected()) std::rethrow_exception(std::move(e));
}

std::exception_ptr task_base::take_injected() noexcept {
  if (held_ != held::injected) return nullptr;
  held_ = held::nothing;
  return take_held_exception();
}

void task_base::run_step(void* self, bool run) {
  auto* t = static_cast<task_base*>(self);
  struct release_guard {
    task_base* t;
    ~release_guard() { t->release(); }
  } guard{t};
  if (run) t->step();
}

void task_base::wakeup(void* ctx, future_base* f) {
  auto* t = static_cast<task_base*>(ctx);
  t->fut_waiter_ = nullptr;
  // Task.__wakeup calls future.result() before __step, so the awaited future's exception
  // counts as retrieved even when a pending cancellation replaces it (task.never-retrieved).
  if (!f->cancelled() && f->held_exception()) (void)f->exception();
  t->step(f);
}

// tasks.py: Task.__step.
void task_base::step(const future_base* woke_by) {
  if (done()) return;
  if (must_cancel_) {
    // __step: `if not isinstance(exc, CancelledError): exc = self._make_cancelled_error()`.
    // A CancelledError the awaited future already delivers is kept, with its message
    // (task.cancel.message: the first message wins for a task suspended on a future).
    if (woke_by == nullptr || !woke_by->delivers_cancelled_error()) {
      set_held_exception(std::make_exception_ptr(cancelled_error(cancel_message())));
      held_ = held::injected;
    }
    must_cancel_ = false;
  }
  if (!started_ && held_ == held::injected) {
    // task.cancel.before-start: the error is thrown into the unstarted coroutine, which
    // lets it out without running its body.
    held_ = held::raised;
    finish();
    return;
  }
  started_ = true;
  resume_point_.resume();
  if (frame_done_) {
    finish();
    return;
  }
  if (fut_waiter_ && must_cancel_) {
    // Cancelled during this step while it went on to suspend on a future.
    if (fut_waiter_->cancel(cancel_message())) must_cancel_ = false;
  }
}

void task_base::finish() {
  if (take_raised()) {
    if (is_cancelled_error(held_exception())) {
      set_cancel_message({});  // super().cancel() without msg; awaiters see that error
      mark_done(state::cancelled);
    } else {
      log_traceback_ = true;
      mark_done(state::finished);
    }
  } else if (must_cancel_) {
    mark_done(state::cancelled);  // task.cancel.self-then-return
  } else {
    mark_done(state::finished);
  }
  loop_->unregister_task(this);
  release();  // the loop's reference; may destroy this frame
}

bool task_base::take_raised() noexcept {
  held h = std::exchange(held_, held::nothing);
  if (h != held::raised) set_held_exception(nullptr);  // an injected error nobody rethrew
  return h == held::raised;
}

std::coroutine_handle<> task_base::start_inline(inline_caller& caller) noexcept {
  loop_ = caller.runner->loop_;  // so that done callbacks can be scheduled
  started_ = true;
  caller_ = &caller;
  inline_ = true;
  caller.runner->resume_point_ = resume_point_;
  return resume_point_;
}

std::coroutine_handle<> task_base::final_transfer() noexcept {
  if (!inline_) {
    frame_done_ = true;
    return std::noop_coroutine();  // back to step()
  }
  inline_caller* caller = caller_;
  inline_ = false;
  fut_waiter_ = nullptr;
  caller->runner->resume_point_ = caller->continuation;
  finish_inline();
  return caller->continuation;
}

void task_base::finish_inline() noexcept {
  frame_done_ = true;
  if (take_raised()) {
    // The awaiter rethrows it at once: it counts as retrieved (no log_traceback_).
    mark_done(is_cancelled_error(held_exception()) ? state::cancelled : state::finished);
  } else {
    mark_done(state::finished);
  }
}

namespace {

// runners.py waits with gather(*to_cancel, return_exceptions=True): its outer future is
// done once the last child's done callback ran, and the loop stops an iteration after that
// (run.shutdown.waits-for-leftover). Waiting for each task in turn stops earlier and lets
// fewer callbacks run, so this counts done callbacks as gather's _done_callback does.
struct shutdown_gather {
  std::size_t left;
  future<void> outer;

  static void on_child_done(void* ctx, future_base*) {
    auto* g = static_cast<shutdown_gather*>(ctx);
    if (--g->left == 0) g->outer.set_result();
  }
};

}  // namespace

void cancel_all_tasks(event_loop& loop) {
  std::vector<task_base*> leftovers;
  for (task_link* l : loop.all_tasks()) {
    auto* t = static_cast<task_base*>(l);
    t->add_ref();
    leftovers.push_back(t);
  }
  struct releaser {
    std::vector<task_base*>& tasks;
    ~releaser() {
      for (task_base* t : tasks) t->release();
    }
  } guard{leftovers};
  if (leftovers.empty()) return;
  for (task_base* t : leftovers) t->cancel();
  shutdown_gather all{leftovers.size(), future<void>(loop)};
  for (task_base* t : leftovers) t->add_done_callback(&shutdown_gather::on_child_done, &all);
  try {
    loop.run_until_complete(*all.outer.base());
  } catch (...) {
    // The loop hung: tasks still pending must not call back into this frame later.
    for (task_base* t : leftovers) t->remove_done_callback(&shutdown_gather::on_child_done, &all);
    throw;
  }
  for (task_base* t : leftovers) {
    if (t->cancelled()) continue;
    if (std::exception_ptr e = t->exception()) {
      loop.call_exception_handler({"unhandled exception during asyncio.run() shutdown", e, t});
    }
  }
}

}  // namespace aioconform::impl
