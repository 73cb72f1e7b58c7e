#include "spec/model/world.h"

#include <algorithm>
#include <utility>

#include "spec/model/set_order.h"

namespace aioconform::model {

world::world(model::profile p, event_sink& sink, chooser& choices)
    : profile_(p), sink_(sink), choices_(choices) {}

world::~world() {
  // Destroy coroutine frames first: their destructors may refer to futures.
  for (future_state& f : futures_) {
    if (f.task) f.task->coro.reset();
  }
}

void world::record(const std::string& task, const char* ev, json fields, std::string_view clause) {
  fields["t"] = now_;
  fields["task"] = task;
  fields["ev"] = ev;
  sink_.event(std::move(fields), clause.empty() ? std::string_view(active_clause_) : clause);
}

// ---- futures ------------------------------------------------------------------------------

fid world::create_future(std::string name) {
  futures_.emplace_back();
  futures_.back().name = std::move(name);
  return static_cast<fid>(futures_.size() - 1);
}

void world::schedule_callbacks(fid f) {
  // Future.__schedule_callbacks: every done callback is scheduled, in registration order
  // (loop.future.callbacks).
  std::vector<done_callback> callbacks = std::move(at(f).callbacks);
  at(f).callbacks.clear();
  if (!callbacks.empty()) exercise("loop.future.callbacks");
  for (done_callback& cb : callbacks) {
    call_soon([fn = std::move(cb.fn), f] { fn(f); }, at(f).decided_by);
  }
}

void world::set_result(fid f, json value, std::string_view clause) {
  future_state& s = at(f);
  if (s.status != future_status::pending)
    throw scenario_error{"model: set_result on a done future"};
  s.status = future_status::finished;
  s.result = std::move(value);
  s.decided_by = clause;
  schedule_callbacks(f);
}

void world::set_exception(fid f, py_exception e, std::string_view clause) {
  future_state& s = at(f);
  if (s.status != future_status::pending) {
    throw scenario_error{"model: set_exception on a done future"};
  }
  s.status = future_status::finished;
  s.exception = std::move(e);
  s.log_traceback = true;  // task.never-retrieved
  s.decided_by = clause;
  schedule_callbacks(f);
}

bool world::future_cancel(fid f, std::optional<std::string> msg, std::string_view clause) {
  future_state& s = at(f);
  if (s.log_traceback && s.kind != future_kind::task) exercise("task.exception.cancel-silences");
  s.log_traceback = false;  // task.exception.cancel-silences
  if (s.status != future_status::pending) return false;
  // A future (not a task) is cancelled at once (task.cancel.future-immediate).
  if (s.kind == future_kind::future) exercise("task.cancel.future-immediate");
  s.status = future_status::cancelled;
  if (at_least(9)) s.cancel_message = std::move(msg);
  s.decided_by = clause;
  schedule_callbacks(f);
  return true;
}

bool world::cancel(fid f, std::optional<std::string> msg, std::string_view clause) {
  switch (at(f).kind) {
    case future_kind::task:
      return task_cancel(f, std::move(msg), clause);
    case future_kind::gathering:
      return gathering_cancel(f, std::move(msg), clause);
    case future_kind::future:
      break;
  }
  return future_cancel(f, std::move(msg), clause);
}

py_exception world::make_cancelled_error(fid f) {
  future_state& s = at(f);
  if (!at_least(9)) return model::make_cancelled_error();
  if (at_least(11) && s.cancelled_exc) {
    // 3.11+: the CancelledError the coroutine raised is handed out once
    // (task.cancel.message.awaiter).
    return std::exchange(s.cancelled_exc, nullptr);
  }
  py_exception e = model::make_cancelled_error(s.cancel_message.value_or(""));
  if (!at_least(11)) s.cancelled_exc = nullptr;
  return e;
}

outcome world::result(fid f) {
  outcome out;
  out.exception = retrieve(f, &out.value);
  return out;
}

py_exception world::retrieve(fid f, json* value) {
  future_state& s = at(f);
  if (s.status == future_status::cancelled) return make_cancelled_error(f);
  if (s.status == future_status::pending) {
    return make_exception("asyncio.exceptions.InvalidStateError", "Result is not ready.");
  }
  // Awaiting a task retrieves its exception (task.exception.retrieved-by-await).
  if (s.exception) exercise("task.exception.retrieval");
  s.log_traceback = false;  // task.exception.retrieval
  if (s.exception) return s.exception;
  if (value != nullptr) *value = s.result;
  return nullptr;
}

py_exception world::exception(fid f) {
  py_exception raised;
  py_exception e = exception(f, raised);
  if (raised) throw py_raise{std::move(raised)};
  return e;
}

py_exception world::exception(fid f, py_exception& raised) {
  future_state& s = at(f);
  if (s.status == future_status::cancelled) {
    raised = make_cancelled_error(f);
    return nullptr;
  }
  if (s.status == future_status::pending) {
    raised = make_exception("asyncio.exceptions.InvalidStateError", "Exception is not set.");
    return nullptr;
  }
  if (s.exception) exercise("task.exception.retrieval");
  s.log_traceback = false;  // task.exception.retrieval
  return s.exception;
}

std::uint64_t world::add_done_callback(fid f, std::function<void(fid)> fn) {
  std::uint64_t id = ++callback_ids_;
  if (done(f)) {
    exercise("loop.future.callbacks");
    call_soon([fn = std::move(fn), f] { fn(f); }, at(f).decided_by);  // loop.future.callbacks
  } else {
    at(f).callbacks.push_back({id, std::move(fn)});
  }
  return id;
}

int world::remove_done_callback(fid f, std::uint64_t id) {
  auto& cbs = at(f).callbacks;
  auto n = std::erase_if(cbs, [id](const done_callback& c) { return c.id == id; });
  return static_cast<int>(n);
}

// ---- the loop -----------------------------------------------------------------------------

handle_ref world::call_soon(std::function<void()> fn, std::string_view clause) {
  auto h = std::make_shared<handle>(handle{std::move(fn), false, std::string(clause)});
  ready_.push_back(h);  // loop.call_soon.fifo
  return h;
}

handle_ref world::call_later(std::int64_t delay, std::function<void()> fn,
                             std::string_view clause) {
  if (profile_.zero_delay_soon && delay <= 0) return call_soon(std::move(fn), clause);
  auto h = std::make_shared<handle>(handle{std::move(fn), false, std::string(clause)});
  timers_.push_back({now_ + std::max<std::int64_t>(delay, 0), ++timer_seq_, h,
                     current_ ? at(*current_).name : std::string()});
  return h;
}

bool world::run_once() {
  ++iteration_;
  std::erase_if(timers_, [](const timer& t) { return t.h->cancelled; });
  if (ready_.empty() && !stopping_) {
    if (timers_.empty()) {
      exercise("loop.hang");
      return false;  // loop.hang
    }
    std::int64_t next = timers_.front().when;
    for (const timer& t : timers_) next = std::min(next, t.when);
    if (next > now_) exercise("loop.timer.virtual-exact");
    // The earliest deadline fires first; a later one waits (loop.timer.deadline-order).
    if (std::any_of(timers_.begin(), timers_.end(),
                    [&](const timer& t) { return t.when > next; })) {
      exercise("loop.timer.deadline-order");
    }
    now_ = std::max(now_, next);  // loop.timer.virtual-exact: time jumps to the deadline
  } else if (!ready_.empty() && !timers_.empty()) {
    // Something is ready, so the clock holds still though a timer is pending (loop.instant).
    exercise("loop.instant");
  }
  // Every timer due now moves to the ready queue (loop.timer.after-ready), earlier
  // deadlines first; equal deadlines in any order (loop.timer.equal-deadline.unordered).
  std::vector<timer> due;
  std::erase_if(timers_, [&](const timer& t) {
    if (t.when > now_) return false;
    due.push_back(t);
    return true;
  });
  // Earlier deadlines first (loop.timer.deadline-order); equal deadlines are one instant in any
  // order (loop.timer.equal-deadline); time moves only here (loop.instant).
  std::stable_sort(due.begin(), due.end(), [](const timer& a, const timer& b) {
    return a.when != b.when ? a.when < b.when : a.seq < b.seq;
  });
  for (std::size_t i = 0; i < due.size();) {
    std::size_t j = i;
    while (j < due.size() && due[j].when == due[i].when) ++j;
    if (i > 0) exercise("loop.timer.deadline-order");
    if (j - i > 1) {
      exercise("loop.timer.equal-deadline");
      exercise("loop.timer.equal-deadline.unordered");
    }
    // Pick the order of [i, j) one timer at a time.
    for (std::size_t k = i; k + 1 < j; ++k) {
      std::vector<std::string> owners;
      for (std::size_t m = k; m < j; ++m) owners.push_back(due[m].owner);
      std::size_t pick = choices_.choose(j - k, owners);
      std::rotate(due.begin() + static_cast<std::ptrdiff_t>(k),
                  due.begin() + static_cast<std::ptrdiff_t>(k + pick),
                  due.begin() + static_cast<std::ptrdiff_t>(k + pick + 1));
    }
    // On a real clock one logical instant is several real ones: timers due at one instant
    // were scheduled at slightly different real times, so any of them may fire in a later
    // iteration of that instant (loop.timer.real-clock-instant). Alternative 0 fires the
    // group now; alternative a leaves its last a for later. Only a tie, or a timer already
    // left over, has the choice, and not all of them when nothing else runs now.
    const bool tied = j - i > 1 || std::any_of(due.begin() + static_cast<std::ptrdiff_t>(i),
                                               due.begin() + static_cast<std::ptrdiff_t>(j),
                                               [](const timer& t) { return t.deferred; });
    if (profile_.real_clock && tied) {
      const std::size_t most = ready_.empty() && i == 0 ? j - i - 1 : j - i;
      if (most > 0) {
        // Firing now is likeliest when the last timer's owner acts next in the trace.
        std::vector<std::string> owners(most + 1);
        owners[0] = due[j - 1].owner;
        exercise("loop.timer.real-clock-instant");
        const std::size_t later = choices_.choose(most + 1, owners);
        if (later > 0) {
          // The rest of this group and every later deadline wait for the next iteration.
          for (std::size_t m = j - later; m < due.size(); ++m) {
            due[m].deferred = true;
            timers_.push_back(due[m]);
          }
          due.erase(due.begin() + static_cast<std::ptrdiff_t>(j - later), due.end());
          break;
        }
      }
    }
    i = j;
  }
  if (!due.empty()) exercise("loop.timer.after-ready");
  for (timer& t : due) ready_.push_back(t.h);
  // One iteration runs what was ready when it began (loop.call_soon.next-iteration).
  std::size_t n = ready_.size();
  std::size_t ran = 0;
  for (std::size_t i = 0; i < n; ++i) {
    handle_ref h = std::move(ready_.front());
    ready_.pop_front();
    if (h->cancelled) continue;
    active_clause_ = h->clause;
    // A second callback of the iteration runs after the first, as they were queued
    // (loop.call_soon.fifo).
    if (++ran == 2) exercise("loop.call_soon.fifo");
    h->run();
  }
  // Callbacks queued by this iteration wait for the next (loop.call_soon.next-iteration).
  if (!ready_.empty()) exercise("loop.call_soon.next-iteration");
  return true;
}

bool world::run_until_complete(fid f) {
  stopping_ = false;
  // run.stop: the loop stops in the iteration after main is done; a main that raised has its
  // exception retrieved here and re-raised by asyncio.run (run.main-raises).
  // base_events._run_until_complete_cb: retrieves the exception, then stops the loop.
  std::uint64_t cb = add_done_callback(f, [this](fid g) {
    if (!cancelled(g)) (void)exception(g);
    stopping_ = true;
  });
  while (true) {
    if (!run_once()) return false;
    if (stopping_) break;
  }
  if (profile_.late_stop && !run_once()) return false;
  stopping_ = false;
  remove_done_callback(f, cb);
  return true;
}

// ---- tasks --------------------------------------------------------------------------------

fid world::create_task(proc coro, std::string name, const std::function<void(fid)>& bind) {
  fid t = create_future(std::move(name));
  future_state& s = at(t);
  s.kind = future_kind::task;
  s.hash = ++task_hashes_;
  s.task = std::make_unique<task_state>();
  s.task->coro = std::move(coro);
  if (bind) bind(t);
  if (profile_.eager && current_) {
    eager_start(t);  // task.start.eager
  } else {
    at(t).task->registered = true;
    call_soon([this, t] { task_step(t, nullptr); }, "task.start.next-iteration");
  }
  return t;
}

void world::eager_start(fid t) {
  std::optional<fid> prev = std::exchange(current_, t);
  task_step_run_and_handle_result(t, nullptr);
  current_ = prev;
  if (!done(t)) at(t).task->registered = true;
}

std::vector<fid> world::set_order(std::vector<fid> fs) {
  std::vector<fid> out;
  while (fs.size() > 1) {
    // No owners: CPython's order (the adapter hashes tasks by creation number) is the
    // likeliest, whoever acts first in a trace; the tasks that act first after a shutdown's
    // cancellations are not the ones cancelled first.
    const std::size_t pick = choices_.choose(fs.size(), {});
    out.push_back(fs[pick]);
    fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  out.insert(out.end(), fs.begin(), fs.end());
  return out;
}

std::vector<fid> world::all_tasks() {
  std::vector<std::uint64_t> hashes;
  std::vector<fid> ids;
  for (fid f = 0; f < futures_.size(); ++f) {
    const future_state& s = futures_[f];
    if (s.kind == future_kind::task && s.task->registered && s.status == future_status::pending) {
      hashes.push_back(s.hash);
      ids.push_back(f);
    }
  }
  std::vector<fid> out;
  for (std::size_t i : python_set_order(hashes)) out.push_back(ids[i]);
  return set_order(std::move(out));  // run.shutdown.cancel-leftover: the order is open
}

bool world::task_cancel(fid t, std::optional<std::string> msg, std::string_view clause) {
  future_state& s = at(t);
  if (s.log_traceback) exercise("task.exception.cancel-silences");
  s.log_traceback = false;
  if (s.status != future_status::pending) {
    exercise("task.cancel.return-value.done");
    return false;  // task.cancel.return-value.done
  }
  task_state& ts = *s.task;
  // A request while one is still undelivered (task.cancel.return-value.twice).
  if (ts.requests_since_step++ > 0) exercise("task.cancel.return-value.twice");
  exercise("task.cancel.not-immediate");
  if (at_least(9) && msg) exercise("task.cancel.message");
  if (ts.cancel_clause.empty()) ts.cancel_clause = clause;
  if (at_least(11)) {
    exercise("task.cancelling");
    ++ts.num_cancels_requested;  // task.cancelling
  }
  if (ts.fut_waiter) {
    // task.cancel.forwards-to-awaited
    const fid awaited = *ts.fut_waiter;
    if (at(awaited).kind != future_kind::future) exercise("task.cancel.forwards-to-awaited");
    if (cancel(awaited, at_least(9) ? msg : std::nullopt, clause)) {
      if (at(awaited).kind == future_kind::future && cancelled(awaited)) {
        // The awaited future is cancelled, so the wake-up is queued now: the task resumes at
        // its next step with the error (task.cancel.delivery.next-resumption), after the tasks
        // cancelled before it in this iteration (task.cancel.delivery.order).
        exercise("task.cancel.delivery.next-resumption");
        if (forwarded_in_ == iteration_) exercise("task.cancel.delivery.order");
        forwarded_in_ = iteration_;
      }
      return true;
    }
  }
  // A task is never cancelled by the request itself (task.cancel.not-immediate); asking again while
  // pending returns True again (task.cancel.return-value.twice); the message travels with it
  // (task.cancel.message).
  ts.must_cancel = true;  // task.cancel.delivery.next-resumption
  if (at_least(9)) at(t).cancel_message = std::move(msg);
  return true;
}

bool world::gathering_cancel(fid g, std::optional<std::string> msg, std::string_view clause) {
  if (done(g)) {
    exercise("gather.cancel.after-done");
    return false;  // gather.cancel.after-done
  }
  bool ret = false;
  std::vector<fid> children = at(g).children;
  for (fid c : children) {
    if (cancel(c, msg, "gather.cancel.outer-cancels-children")) ret = true;
  }
  exercise("gather.cancel.returns");
  if (at_least(9) && msg) exercise("gather.cancel.message");  // passed to every child
  if (ret) at(g).cancel_requested = true;                     // gather.cancel.returns
  (void)clause;
  return ret;
}

std::string world::cancellation_clause(fid t) const {
  const std::string& c = at(t).task->cancel_clause;
  return c.empty() ? "task.cancelled.state" : c;
}

int world::uncancel(fid t) {
  task_state& ts = *at(t).task;
  if (ts.num_cancels_requested > 0) {
    --ts.num_cancels_requested;
    exercise("task.cancelling");
    // task.uncancel.clears-pending: 3.13 drops an undelivered request, 3.11-3.12 keep it.
    if (ts.num_cancels_requested == 0 && ts.must_cancel) exercise("task.uncancel.clears-pending");
    if (at_least(13) && ts.num_cancels_requested == 0) ts.must_cancel = false;
  }
  return ts.num_cancels_requested;
}

void world::task_step(fid t, py_exception exc) {
  if (done(t)) throw scenario_error{"model: step of a done task"};
  task_state& ts = *at(t).task;
  // A ready task gets the CancelledError at its next step, in the order the steps were queued
  // (task.cancel.delivery.ready-task, task.cancel.delivery.order).
  if (ts.must_cancel) {
    exercise("task.cancel.delivery.next-resumption");
    if (ts.resume_point) exercise("task.cancel.delivery.ready-task");
    if (!is_cancelled_error(exc)) exc = make_cancelled_error(t);
    ts.must_cancel = false;
  }
  ts.requests_since_step = 0;
  ts.fut_waiter.reset();
  std::optional<fid> prev = std::exchange(current_, t);
  task_step_run_and_handle_result(t, std::move(exc));
  current_ = prev;
}

void world::task_step_run_and_handle_result(fid t, py_exception exc) {
  task_state* ts = at(t).task.get();
  ts->inject = exc;
  ts->yielded = yield_kind::none;
  bool finished = false;
  json value;
  py_exception raised;
  if (!ts->resume_point && exc) {
    // coro.throw() into a coroutine that never ran: it ends at once (task.cancel.before-start).
    exercise("task.cancel.before-start");
    ts->inject = nullptr;
    ts->coro.reset();
    finished = true;
    raised = exc;
  } else {
    std::coroutine_handle<> h = ts->resume_point ? ts->resume_point : ts->coro.handle();
    ts->resume_point = nullptr;
    h.resume();
    ts = at(t).task.get();
    if (ts->coro.done()) {
      finished = true;
      outcome end = ts->coro.take_outcome();
      value = std::move(end.value);
      raised = std::move(end.exception);
      ts->coro.reset();
    }
  }
  if (finished) {
    if (!raised) {
      if (ts->must_cancel) {
        // The task was cancelled right before its coroutine returned.
        ts->must_cancel = false;
        exercise("task.cancel.self-then-return");
        future_cancel(t, at(t).cancel_message, "task.cancel.self-then-return");
      } else {
        set_result(t, std::move(value), "task.await.outcome");
      }
    } else if (is_cancelled_error(raised)) {
      if (at_least(9)) at(t).cancelled_exc = raised;
      future_cancel(t, std::nullopt, cancellation_clause(t));
    } else {
      set_exception(t, raised, "task.await.outcome");
    }
    return;
  }
  if (ts->yielded == yield_kind::future) {
    fid f = ts->yielded_future;
    add_done_callback(f, [this, t](fid g) { task_wakeup(t, g); });
    ts->fut_waiter = f;
    if (ts->must_cancel) {
      if (cancel(f, at_least(9) ? at(t).cancel_message : std::nullopt,
                 "task.cancel.forwards-to-awaited")) {
        at(t).task->must_cancel = false;
      }
    }
  } else {
    // A bare yield gives up one iteration (loop.sleep-zero.yield).
    call_soon([this, t] { task_step(t, nullptr); }, "loop.sleep-zero.yield");
  }
}

void world::task_wakeup(fid t, fid awaited) {
  // The awaited future's outcome is thrown into the awaiting task: a task awaiting a cancelled task
  // sees CancelledError (task.cancel.awaiter-sees-cancelled), one awaiting a task that swallowed
  // the cancellation sees its value (task.cancel.swallow.by-awaited).
  exercise("task.await.resume");
  // The awaiter gets the cancelled future's CancelledError (task.cancel.message.awaiter).
  if (cancelled(awaited) && (at(awaited).kind != future_kind::future || at(awaited).shield_outer)) {
    exercise("task.cancel.message.awaiter");
  }
  if (at(awaited).kind != future_kind::future) {
    const bool asked = at(t).task->requests_since_step > 0;
    if (asked && !at(t).task->must_cancel && !cancelled(awaited))
      exercise("task.cancel.swallow.by-awaited");
    if (!asked && cancelled(awaited)) exercise("task.cancel.awaiter-sees-cancelled");
  }
  task_step(t, retrieve(awaited));
}

// ---- awaiting -----------------------------------------------------------------------------

void world::future_awaiter::await_suspend(std::coroutine_handle<> h) {
  task_state& ts = *w.at(*w.current_).task;
  ts.resume_point = h;
  ts.yielded = yield_kind::future;
  ts.yielded_future = f;
}

outcome world::future_awaiter::await_resume() {
  if (w.current_) {
    task_state& ts = *w.at(*w.current_).task;
    if (ts.inject) return {nullptr, std::exchange(ts.inject, nullptr)};
  }
  if (w.at(f).exception) w.exercise("task.exception.retrieved-by-await");
  if (w.cancelled(f) && (w.at(f).kind != future_kind::future || w.at(f).shield_outer)) {
    w.exercise("task.cancel.message.awaiter");
  }
  return w.result(f);  // task.await.outcome
}

void world::yield_awaiter::await_suspend(std::coroutine_handle<> h) {
  task_state& ts = *w.at(*w.current_).task;
  ts.resume_point = h;
  ts.yielded = yield_kind::bare;
}

outcome world::yield_awaiter::await_resume() {
  task_state& ts = *w.at(*w.current_).task;
  return {nullptr, std::exchange(ts.inject, nullptr)};
}

proc world::sleep(std::int64_t d) {
  if (d <= 0) co_return co_await bare_yield();  // loop.sleep-zero.yield

  fid f = create_future();
  handle_ref h = call_later(
      d,
      [this, f] {
        // futures._set_result_unless_cancelled
        if (!cancelled(f)) set_result(f, nullptr, "loop.timer.never-early");
      },
      "loop.timer.never-early");
  struct cancel_on_exit {
    handle_ref h;
    ~cancel_on_exit() { h->cancelled = true; }
  } guard{h};
  co_return co_await wait(f);
}

}  // namespace aioconform::model
