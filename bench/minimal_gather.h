#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace aioconform::bench::minimal {

/// The floor the reference runtime is measured against: the least a C++20 coroutine gather
/// over a FIFO ready queue can do. No cancellation, no exceptions (a throwing child
/// terminates), no futures, no reference counts; a task's frame comes from the default
/// operator new, and the gather keeps its results in one vector.
class scheduler {
 public:
  void post(std::coroutine_handle<> h) { ready_.push_back(h); }
  void run() {
    while (!ready_.empty()) {
      std::coroutine_handle<> h = ready_.front();
      ready_.pop_front();
      h.resume();
    }
  }

 private:
  std::deque<std::coroutine_handle<>> ready_;
};

struct gather_state;

/// A child task returning int64; it reports to its gather when it finishes.
class task {
 public:
  struct promise_type {
    gather_state* gather = nullptr;
    std::size_t index = 0;
    std::int64_t value = 0;
    task get_return_object() noexcept {
      return task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept;
      void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() const noexcept { return {}; }
    void return_value(std::int64_t v) noexcept { value = v; }
    void unhandled_exception() noexcept { std::terminate(); }
  };

  explicit task(std::coroutine_handle<promise_type> h) noexcept : handle(h) {}
  std::coroutine_handle<promise_type> handle;
};

/// What the awaiting coroutine suspends on: the children, a countdown and the results.
struct gather_state {
  std::vector<std::int64_t> results;
  std::size_t remaining = 0;
  std::coroutine_handle<> waiter;
};

inline std::coroutine_handle<> task::promise_type::final_awaiter::await_suspend(
    std::coroutine_handle<promise_type> h) noexcept {
  promise_type& p = h.promise();
  gather_state& g = *p.gather;
  g.results[p.index] = p.value;
  h.destroy();
  if (--g.remaining == 0) return g.waiter;
  return std::noop_coroutine();
}

/// `co_await gather(sched, children)`: schedules every child and resumes the awaiter with
/// their results, in argument order, once the last one finished.
class gather {
 public:
  gather(scheduler& sched, std::vector<task> children) noexcept
      : sched_(sched), children_(std::move(children)) {}
  bool await_ready() const noexcept { return children_.empty(); }
  void await_suspend(std::coroutine_handle<> h) {
    state_.results.resize(children_.size());
    state_.remaining = children_.size();
    state_.waiter = h;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      children_[i].handle.promise().gather = &state_;
      children_[i].handle.promise().index = i;
      sched_.post(children_[i].handle);
    }
  }
  std::vector<std::int64_t> await_resume() noexcept { return std::move(state_.results); }

 private:
  scheduler& sched_;
  std::vector<task> children_;
  gather_state state_;
};

/// The awaiting side: a coroutine whose result the caller reads after the scheduler ran.
struct main_task {
  struct promise_type {
    std::int64_t value = 0;
    main_task get_return_object() noexcept {
      return main_task{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_value(std::int64_t v) noexcept { value = v; }
    void unhandled_exception() noexcept { std::terminate(); }
  };
  std::coroutine_handle<promise_type> handle;
};

}  // namespace aioconform::bench::minimal
