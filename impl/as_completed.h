#pragma once

#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl {

namespace detail {

/// The state of one as_completed() call (3.13's _AsCompletedIterator and its Queue).
///
/// Invariant: each child is in `todo` until its completion or the timeout puts it (or a
/// timeout sentinel) in `done_queue`; `self` keeps this object alive while callbacks
/// registered on children or the timer may still run (`registrations` > 0).
template <class T>
struct as_completed_state {
  std::vector<future<T>> children;                     ///< distinct, argument order
  std::unordered_map<future_base*, std::size_t> todo;  ///< children not yet queued
  std::deque<std::optional<std::size_t>> done_queue;   ///< completed children; nullopt: timeout
  std::deque<future<void>> getters;                    ///< Queue._getters
  std::size_t todo_left = 0;                           ///< items not yet handed out
  std::size_t registrations = 0;                       ///< child callbacks + armed timer
  timer_id timer = 0;                                  ///< the timeout, if any
  bool timer_armed = false;
  std::shared_ptr<as_completed_state> self;

  void unregister(std::size_t n) {
    registrations -= n;
    if (registrations == 0) {
      auto keep = std::move(self);  // may free this on return
    }
  }

  // Queue._wakeup_next.
  void wakeup_next() {
    while (!getters.empty()) {
      future<void> g = std::move(getters.front());
      getters.pop_front();
      if (!g.done()) {
        g.set_result();
        break;
      }
    }
  }

  void put(std::optional<std::size_t> item) {
    done_queue.push_back(item);
    wakeup_next();
  }

  // _AsCompletedIterator._handle_completion.
  static void on_completion(void* ctx, future_base* f) {
    auto* s = static_cast<as_completed_state*>(ctx);
    if (!s->todo.empty()) {
      auto it = s->todo.find(f);
      std::size_t index = it->second;
      s->todo.erase(it);
      s->put(index);
      if (s->todo.empty() && s->timer_armed) {
        s->timer_armed = false;
        f->loop()->cancel_timer(s->timer);
        s->registrations -= 1;
      }
    }
    s->unregister(1);
  }

  /// Removes the callbacks still registered on pending children and the armed timer: see
  /// as_completed_reader. May free this object.
  void detach() {
    std::size_t removed = 0;
    for (future<T>& c : children) {
      if (todo.count(c.base())) removed += c.remove_done_callback(&on_completion, this);
    }
    if (timer_armed) {
      timer_armed = false;
      children.front().base()->loop()->cancel_timer(timer);
      removed += 1;
    }
    if (removed > 0) unregister(removed);
  }

  // _AsCompletedIterator._handle_timeout.
  static void on_timeout(void* ctx, future_base*) {
    auto* s = static_cast<as_completed_state*>(ctx);
    s->timer_armed = false;
    std::size_t removed = 0;
    for (future<T>& c : s->children) {
      if (!s->todo.count(c.base())) continue;
      removed += c.remove_done_callback(&on_completion, s);
      s->put(std::nullopt);
    }
    s->todo.clear();
    s->unregister(removed + 1);
  }
};

/// What the iterator and its unfinished next() calls share. When the last of them goes,
/// nothing can read the queue any more, so the state detaches from the children still
/// pending and from its timer. asyncio's callbacks would keep the iterator alive instead,
/// invisibly; here the state's hold on itself would keep a child left pending at shutdown
/// alive for ever, where CPython's collector frees it and reports "Task was destroyed but
/// it is pending!".
template <class T>
struct as_completed_reader {
  std::shared_ptr<as_completed_state<T>> state;
  explicit as_completed_reader(std::shared_ptr<as_completed_state<T>> s) : state(std::move(s)) {}
  as_completed_reader(const as_completed_reader&) = delete;
  as_completed_reader& operator=(const as_completed_reader&) = delete;
  ~as_completed_reader() { state->detach(); }
};

template <class T, bool Resolve>
task<std::conditional_t<Resolve, T, future<T>>> wait_for_one(
    std::shared_ptr<as_completed_reader<T>> reader) {
  as_completed_state<T>* s = reader->state.get();
  // Queue.get
  while (s->done_queue.empty()) {
    future<void> getter(*event_loop::running());
    s->getters.push_back(getter);
    std::exception_ptr failure;
    try {
      co_await getter;
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      getter.cancel();
      for (auto it = s->getters.begin(); it != s->getters.end(); ++it) {
        if (*it == getter) {
          s->getters.erase(it);
          break;
        }
      }
      if (!s->done_queue.empty() && !getter.cancelled()) s->wakeup_next();
      std::rethrow_exception(failure);
    }
  }
  std::optional<std::size_t> item = s->done_queue.front();
  s->done_queue.pop_front();
  if (!item) throw error("TimeoutError", "");  // as_completed.timeout (3.11+ builtin)
  if constexpr (Resolve) {
    co_return s->children[*item].result();
  } else {
    co_return s->children[*item];
  }
}

}  // namespace detail

/// The iterator asyncio.as_completed returns (3.13).
template <class T>
class as_completed_iterator {
 public:
  explicit as_completed_iterator(std::shared_ptr<detail::as_completed_state<T>> s)
      : reader_(std::make_shared<detail::as_completed_reader<T>>(s)), state_(std::move(s)) {}

  /// Whether items remain (one per distinct child).
  bool has_next() const noexcept { return state_->todo_left > 0; }
  /// Plain iteration: a task whose outcome is that of the next child to complete — its
  /// result or exception (as_completed.exception.per-item, as_completed.child-cancelled) —
  /// or TimeoutError once the timeout passed (as_completed.timeout). Throws
  /// error("StopIteration") when no items remain.
  task<T> next() {
    take();
    return detail::wait_for_one<T, true>(reader_);
  }
  /// `async for` form: the next child itself, as a future (as_completed.async-for).
  task<future<T>> next_future() {
    take();
    return detail::wait_for_one<T, false>(reader_);
  }

 private:
  void take() {
    if (state_->todo_left == 0) throw error("StopIteration", "");
    --state_->todo_left;
  }
  std::shared_ptr<detail::as_completed_reader<T>> reader_;
  std::shared_ptr<detail::as_completed_state<T>> state_;
};

/// asyncio.as_completed(children, timeout): items in completion order
/// (as_completed.order), one per distinct child (as_completed.duplicates); none for no
/// children (as_completed.empty). Children are tasks or any other futures; unscheduled tasks
/// are scheduled on the running loop. On
/// timeout every remaining item raises TimeoutError and no child is cancelled
/// (as_completed.timeout.no-cancel). Each item is an unscheduled task: `co_await it.next()`
/// runs it inline in the awaiting task, as CPython awaits its coroutine.
template <class T>
as_completed_iterator<T> as_completed(std::vector<future<T>> children,
                                      std::optional<loop_time> timeout = std::nullopt) {
  event_loop* loop = event_loop::running();
  if (!loop) throw error("RuntimeError", "no running event loop");
  auto s = std::make_shared<detail::as_completed_state<T>>();
  for (future<T>& c : children) {
    if (s->todo.count(c.base())) continue;
    ensure_scheduled(*c.base(), *loop);
    s->todo.emplace(c.base(), s->children.size());
    s->children.push_back(c);
  }
  s->todo_left = s->children.size();
  for (future<T>& c : s->children) {
    ++s->registrations;
    c.add_done_callback(&detail::as_completed_state<T>::on_completion, s.get());
  }
  if (!s->children.empty() && timeout) {
    ++s->registrations;
    s->timer_armed = true;
    s->timer = loop->call_later(
        *timeout, callback{&detail::as_completed_state<T>::on_timeout, s.get(), nullptr});
  }
  if (s->registrations > 0) s->self = s;
  return as_completed_iterator<T>(std::move(s));
}

/// as_completed() over tasks: the same.
template <class T>
as_completed_iterator<T> as_completed(std::vector<task<T>> children,
                                      std::optional<loop_time> timeout = std::nullopt) {
  return as_completed(std::vector<future<T>>(std::make_move_iterator(children.begin()),
                                             std::make_move_iterator(children.end())),
                      timeout);
}

}  // namespace aioconform::impl
