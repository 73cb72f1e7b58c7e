#include "impl/event_loop.h"

#include <algorithm>
#include <iostream>
#include <thread>
#include <utility>

#include "impl/collector.h"
#include "impl/error.h"
#include "impl/future.h"

namespace aioconform::impl {
namespace {

thread_local event_loop* running_loop = nullptr;

void run_function(void* ctx, future_base*) {
  std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(ctx));
  (*fn)();
}

callback function_callback(std::function<void()> fn) {
  return callback{&run_function, new std::function<void()>(std::move(fn)), nullptr};
}

void stop_loop(void* ctx, future_base*) {
  *static_cast<bool*>(ctx) = true;
}

// Sets the running loop for the duration of a run, restoring the previous one.
class running_scope {
 public:
  explicit running_scope(event_loop* loop) : previous_(std::exchange(running_loop, loop)) {}
  ~running_scope() { running_loop = previous_; }
  running_scope(const running_scope&) = delete;
  running_scope& operator=(const running_scope&) = delete;

 private:
  event_loop* previous_;
};

}  // namespace

event_loop::event_loop(clock_kind clock) : clock_(clock), epoch_(std::chrono::steady_clock::now()) {
  tasks_.prev = tasks_.next = &tasks_;
}

namespace {

/// Runs a callback, then drops the future reference it held, even if it throws.
void invoke(const callback& cb) {
  struct release_guard {
    future_base* fut;
    ~release_guard() {
      if (fut) fut->release();
    }
  } guard{cb.fut};
  cb.fn(cb.ctx, cb.fut);
}

}  // namespace

event_loop::~event_loop() {
  // Whatever a loop destroyed without close() releases is reported nowhere: the handler
  // may refer to objects already gone.
  exception_handler_ = [](const exception_context&) {};
  close();
}

void event_loop::close() {
  // Unrun callbacks and timers drop their references; tasks still registered are pending
  // and held by the loop: their frames are destroyed with them (see task_base).
  while (!ready_.empty()) run_first(false);
  for (const timer& t : timers_) discard(t.cb);
  timers_.clear();
  for (const auto& [id, cb] : due_timers_) discard(cb);
  due_timers_.clear();
  std::vector<task_link*> pending = all_tasks();
  for (task_link* t : pending) unregister_task(t);
  detail::close_tasks(std::move(pending));
}

event_loop* event_loop::running() noexcept {
  return running_loop;
}

loop_time event_loop::time() const {
  if (clock_ == clock_kind::virtual_time) return virtual_now_;
  auto elapsed = std::chrono::steady_clock::now() - epoch_;
  return std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
}

void event_loop::call_soon(callback cb) {
  spilled_.push_back(cb);
  call_soon(&run_spilled, this);
}

void event_loop::call_soon(ready_fn fn, void* arg) {
  ready_.push_back(pack(fn, arg, false));
}

void event_loop::call_soon_first(ready_fn fn, void* arg) {
  ready_.push_front(pack(fn, arg, true));
}

event_loop::packed_entry event_loop::pack(ready_fn fn, void* arg, bool front) {
  auto address = reinterpret_cast<packed_entry>(arg);
  if ((address & index_bits) == 0) {
    for (packed_entry i = 1; i <= index_bits; ++i) {
      if (fns_[i] == nullptr) fns_[i] = fn;
      if (fns_[i] == fn) return address | i;
    }
  }
  if (front) {
    wide_.push_front(ready_entry{fn, arg});
  } else {
    wide_.push_back(ready_entry{fn, arg});
  }
  return 0;
}

void event_loop::run_first(bool run) {
  packed_entry e = ready_.front();
  ready_.pop_front();
  if (packed_entry i = e & index_bits) {
    fns_[i](reinterpret_cast<void*>(e & ~index_bits), run);
    return;
  }
  ready_entry w = wide_.front();
  wide_.pop_front();
  w.fn(w.arg, run);
}

void event_loop::run_spilled(void* loop, bool run) {
  auto& spilled = static_cast<event_loop*>(loop)->spilled_;
  callback cb = spilled.front();
  spilled.pop_front();
  if (!run) {
    discard(cb);
    return;
  }
  invoke(cb);
}

void event_loop::call_soon(std::function<void()> fn) {
  call_soon(function_callback(std::move(fn)));
}

timer_id event_loop::call_at(loop_time deadline, callback cb) {
  timer_id id = next_timer_++;
  timers_.push_back(timer{deadline, id, cb});
  std::push_heap(timers_.begin(), timers_.end(), timer_later{});
  scheduled_timers_.insert(id);
  return id;
}

timer_id event_loop::call_at(loop_time deadline, std::function<void()> fn) {
  return call_at(deadline, function_callback(std::move(fn)));
}

timer_id event_loop::call_later(loop_time delay, callback cb) {
  return call_at(time() + delay, cb);
}

timer_id event_loop::call_later(loop_time delay, std::function<void()> fn) {
  return call_at(time() + delay, function_callback(std::move(fn)));
}

void event_loop::cancel_timer(timer_id id) {
  // A due timer waits in the ready queue and can still be cancelled: its callback's owner
  // may be gone by the time it would run (as_completed's state, a sleep's awaiter).
  if (scheduled_timers_.erase(id) != 0) return;
  auto due = due_timers_.extract(id);
  if (!due.empty()) discard(due.mapped());  // after extract: a release may cancel timers
}

void event_loop::run_due_timer(void* id, bool run) {
  if (!run) return;  // the loop's destructor discards due_timers_
  event_loop& loop = *running_loop;
  // The id is shifted left by three: an aligned argument keeps its entry in one word.
  auto due =
      loop.due_timers_.extract(static_cast<timer_id>(reinterpret_cast<std::uintptr_t>(id) >> 3));
  if (due.empty()) return;  // cancelled after it became due
  const callback& cb = due.mapped();
  invoke(cb);
}

void event_loop::discard(const callback& cb) noexcept {
  if (cb.fn == &run_function) delete static_cast<std::function<void()>*>(cb.ctx);
  detail::discard_done_callback(cb.fn, cb.ctx);  // a done callback of a future done already
  if (cb.fut) cb.fut->release();
}

void event_loop::pop_timer() {
  std::pop_heap(timers_.begin(), timers_.end(), timer_later{});
  timers_.pop_back();
}

bool event_loop::run_once() {
  // Cancelled timers at the top of the heap are dropped first.
  while (!timers_.empty() && !scheduled_timers_.count(timers_.front().seq)) {
    discard(timers_.front().cb);
    pop_timer();
  }
  if (ready_.empty()) {
    if (timers_.empty()) return false;  // loop.hang
    loop_time deadline = timers_.front().deadline;
    if (clock_ == clock_kind::virtual_time) {
      virtual_now_ = std::max(virtual_now_, deadline);  // loop.timer.virtual-exact
    } else {
      std::this_thread::sleep_until(epoch_ + std::chrono::milliseconds(deadline));
    }
  }
  loop_time now = time();
  while (!timers_.empty() && timers_.front().deadline <= now) {
    timer t = timers_.front();
    pop_timer();
    if (scheduled_timers_.erase(t.seq) == 0) {
      discard(t.cb);
      continue;
    }
    due_timers_.emplace(t.seq, t.cb);
    // loop.timer.after-ready
    call_soon(&run_due_timer, reinterpret_cast<void*>(static_cast<std::uintptr_t>(t.seq) << 3));
  }
  running_scope scope(this);
  // Only the callbacks ready now run in this iteration (loop.call_soon.next-iteration).
  for (std::size_t n = ready_.size(); n > 0; --n) run_first(true);
  return true;
}

void event_loop::run_until_complete(future_base& f) {
  bool stop = false;
  f.add_done_callback(&stop_loop, &stop);
  while (!stop) {
    if (!run_once()) {
      f.remove_done_callback(&stop_loop, &stop);
      throw error("RuntimeError", "Event loop stopped before Future completed.");
    }
  }
}

void event_loop::call_exception_handler(const exception_context& context) {
  if (exception_handler_) {
    exception_handler_(context);
    return;
  }
  std::cerr << context.message;
  if (context.exception) std::cerr << ": " << describe(context.exception).type_name;
  std::cerr << '\n';
}

void event_loop::set_exception_handler(std::function<void(const exception_context&)> handler) {
  exception_handler_ = std::move(handler);
}

std::vector<task_link*> event_loop::all_tasks() const {
  std::vector<task_link*> out;
  for (task_link* t = tasks_.next; t != &tasks_; t = t->next) out.push_back(t);
  return out;
}

void event_loop::register_task(task_link* t) noexcept {
  t->prev = tasks_.prev;
  t->next = &tasks_;
  tasks_.prev->next = t;
  tasks_.prev = t;
}

void event_loop::unregister_task(task_link* t) noexcept {
  if (!t->prev) return;
  t->prev->next = t->next;
  t->next->prev = t->prev;
  t->prev = t->next = nullptr;
}

}  // namespace aioconform::impl
