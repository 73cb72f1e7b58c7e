#pragma once

// proc: a Python coroutine as the model runs it. Model code that mirrors an asyncio
// coroutine (a script body, asyncio.wait, wait_for, ...) is written as a C++ coroutine
// returning proc; `co_await other_proc` runs the callee inline in the same task, like
// Python's `await coro()`, with no loop iteration in between. Suspension happens only
// where Python's would: awaiting a pending future, or a bare yield (sleep(0)); the task
// that runs the coroutine resumes the innermost frame (see task_runner in world.h).
//
// A proc ends with an outcome (outcome.h): `co_return value`, or `co_return py_raise{e}` to
// raise. `co_await` of a proc gives the callee's outcome; only errors that are not Python's
// (scenario_error: the model cannot go on) unwind as C++ exceptions.

#include <coroutine>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>

#include "spec/model/frame_cache.h"
#include "spec/model/outcome.h"
#include "spec/model/py_exception.h"

namespace aioconform::model {

class proc {
 public:
  struct promise_type {
    std::coroutine_handle<> continuation;  ///< the awaiting frame; null for a task's root
    model::outcome result;
    std::exception_ptr error;  ///< a C++ exception that escaped (not a Python one)

    // Frames are recycled: a run makes thousands of them (see frame_cache).
    static void* operator new(std::size_t size) { return frame_cache::allocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept {
      frame_cache::deallocate(p, size);
    }

    proc get_return_object() {
      return proc(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
        if (h.promise().continuation) return h.promise().continuation;
        return std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_value(nlohmann::json v) { result.value = std::move(v); }
    void return_value(py_raise r) { result.exception = std::move(r.exception); }
    void return_value(model::outcome o) { result = std::move(o); }
    // A py_raise thrown in a proc (rare: world::exception) ends it as co_return py_raise
    // would.
    void unhandled_exception() {
      try {
        throw;
      } catch (py_raise& r) {
        result.exception = std::move(r.exception);
      } catch (...) {
        error = std::current_exception();
      }
    }
  };

  proc() = default;
  explicit proc(std::coroutine_handle<promise_type> h) : handle_(h) {}
  proc(proc&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
  proc& operator=(proc&& o) noexcept {
    if (this != &o) {
      reset();
      handle_ = std::exchange(o.handle_, nullptr);
    }
    return *this;
  }
  proc(const proc&) = delete;
  proc& operator=(const proc&) = delete;
  ~proc() { reset(); }

  [[nodiscard]] bool valid() const { return static_cast<bool>(handle_); }
  [[nodiscard]] bool done() const { return handle_ && handle_.done(); }
  [[nodiscard]] std::coroutine_handle<promise_type> handle() const { return handle_; }
  /// The outcome once done(); rethrows a C++ exception that escaped.
  model::outcome take_outcome() {
    if (handle_.promise().error) std::rethrow_exception(handle_.promise().error);
    return std::move(handle_.promise().result);
  }

  // Awaiting a proc from a proc: run it inline (Python's `await coro()`).
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    handle_.promise().continuation = awaiting;
    return handle_;
  }
  model::outcome await_resume() { return take_outcome(); }

  void reset() {
    if (handle_) handle_.destroy();
    handle_ = nullptr;
  }

 private:
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace aioconform::model
