#pragma once

// The scenario interpreter on the reference runtime: runs a scenario's scripts as impl
// coroutines exactly as the Python adapter (adapters/python/aioconform_adapter.py) runs them
// on asyncio, and as the executable model's interpreter (spec/model/interpreter.h) does on
// the model, recording the same events under the same names: handles, `S#n` auto-names in
// creation order, `main`.

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/impl/any_future.h"
#include "adapters/impl/event.h"
#include "format/scenario.h"
#include "impl/event_loop.h"
#include "impl/task.h"
#include "impl/wait.h"

namespace aioconform::impl_runtime {

/// The scenario cannot be interpreted (an unbound handle, an unknown script, a runaway
/// loop): an error in the input, not a behaviour of the runtime.
class scenario_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A coroutine object the adapter created (its _Info): a script instance or a nested
/// combinator coroutine, as an unscheduled impl task. `has_task` once a task wraps it.
struct coroutine_object {
  std::optional<impl::task<json>> body;
  std::string name;
  std::optional<std::string> handle;
  bool has_task = false;
};
using coroutine_ref = std::shared_ptr<coroutine_object>;

/// What a combinator is given: a future (or task), or a bare coroutine.
struct awaitable {
  std::optional<any_future> future;
  coroutine_ref coroutine;
};

/// The executing instance of a script (the adapter's _Ctx).
struct script_context {
  std::string name;
  std::exception_ptr cexc;    ///< the CancelledError last seen escaping a step
  std::string cpath;          ///< the innermost step it escaped from
  std::exception_ptr raised;  ///< a CancelledError the script raised itself
};
using context_ref = std::shared_ptr<script_context>;

/// The JSON a step returns: null, or a one-element array carrying a `return` step's value.
using step_signal = json;

class interpreter {
 public:
  interpreter(const format::scenario& sc, impl::event_loop& loop);
  interpreter(const interpreter&) = delete;
  interpreter& operator=(const interpreter&) = delete;

  /// Appends an event at the loop's current time.
  void record(const std::string& task, const char* ev, json fields);
  /// The events recorded so far, in execution order.
  json events = json::array();

  /// Futures-table names in first-registration order (the adapter's dict).
  std::vector<std::pair<std::string, any_future>> named;
  /// The first name of a task or future, or nullopt for one the scenario never named.
  [[nodiscard]] std::optional<std::string> name_of(const impl::future_base* f) const;
  /// Every named task or future's first name, by address.
  [[nodiscard]] const std::map<const impl::future_base*, std::string>& names() const noexcept {
    return names_;
  }
  /// The entry of `named` holding `f`, or null.
  [[nodiscard]] const any_future* find(const impl::future_base* f) const;

  /// The main script's coroutine, bound to handle `main`.
  coroutine_ref main_coroutine();
  /// loop.create_task(coro): schedules it and names the task.
  void create_task(const coroutine_ref& c);

  /// The scenario error raised inside a coroutine, if any: it ends that coroutine like an
  /// exception would, and the run is reported as failed afterwards.
  std::optional<std::string> failure;

 private:
  std::string auto_name(const std::string& prefix);
  void register_future(const any_future& f, const std::string& name,
                       const std::optional<std::string>& handle);
  any_future lookup(const std::string& handle, const script_context& ctx, const std::string& path);
  [[noreturn]] void fail(const std::string& message);
  void check_budget(const script_context& ctx, const std::string& path);

  coroutine_ref new_script_coroutine(const std::string& script, std::optional<std::string> handle,
                                     const script_context& ctx, const std::string& path);
  coroutine_ref register_coroutine(std::optional<impl::task<json>> body, std::string name,
                                   std::optional<std::string> handle);
  /// What a combinator is given for `a`, as ensure_future makes it: the coroutine's own task
  /// (created now), or the task or future itself.
  impl::future<json> as_future(const awaitable& a);
  /// as_future of each child, in argument order (coroutines become tasks in that order).
  std::vector<impl::future<json>> as_futures(const std::vector<awaitable>& children);
  /// `set(fs)` as asyncio.wait and as_completed iterate it: each future once, and tasks in
  /// CPython's set order of the adapter's task hashes (their creation numbers), as the
  /// Python adapter and the model have them; other futures hash by address, an order no
  /// one can reproduce, so they keep argument order (the model allows every order).
  std::vector<impl::future<json>> in_set_order(std::vector<impl::future<json>> fs) const;
  /// `await a`: a future, or a coroutine run inline in the awaiting task.
  impl::task<json> await_awaitable(awaitable a);
  impl::task<json> awaits(awaitable a);

  /// A script's coroutine (the `catch` defaults of main and the others are resolved by the
  /// scenario codec).
  impl::task<json> script_body(std::string name, const format::script* s);
  impl::task<json> run_steps(context_ref ctx, const std::vector<format::step>* steps,
                             std::string prefix);
  impl::task<json> run_step(context_ref ctx, const format::step* st, std::string path);
  awaitable eval_child(const context_ref& ctx, const format::child& c, const std::string& path);
  std::vector<awaitable> eval_children(const context_ref& ctx, const std::vector<format::child>& cs,
                                       const std::string& path);
  awaitable eval_expr(const context_ref& ctx, const format::expression& e, const std::string& path,
                      const std::string& exec_name, std::optional<std::string> as, bool nested);
  std::vector<coroutine_ref> task_group_children(const context_ref& ctx,
                                                 const format::task_group_expr& tg,
                                                 const std::string& path);
  std::exception_ptr make_raise(const std::string& type, const std::string& message);

  // Combinators, each a coroutine run inline where it is awaited, as asyncio's are.
  impl::task<json> wait_body(std::vector<awaitable> children, format::return_when when,
                             std::optional<std::int64_t> timeout);
  impl::task<json> wait_for_body(awaitable child, std::optional<std::int64_t> timeout);
  impl::task<json> as_completed_body(std::string exec_name, std::string path,
                                     std::vector<awaitable> children,
                                     std::optional<std::int64_t> timeout,
                                     format::as_completed_form form);
  impl::task<json> wait_any_body(std::vector<awaitable> children,
                                 std::optional<std::int64_t> timeout);
  impl::task<json> task_group_body(context_ref ctx, std::vector<coroutine_ref> coros,
                                   const std::vector<format::step>* steps, std::string path);
  impl::task<json> task_group_coroutine(context_ref sub, std::vector<coroutine_ref> coros,
                                        const std::vector<format::step>* steps, std::string path);
  impl::task<json> timeout_block(context_ref ctx, std::optional<std::int64_t> d,
                                 const std::vector<format::step>* steps, std::string path);
  /// The (done, pending) pair wait() returns, as the trace encodes it.
  json encode_wait_result(const impl::wait_result<json>& r) const;

  const format::scenario& sc_;
  impl::event_loop& loop_;
  std::map<std::string, int> counters_;
  std::map<std::string, any_future> handles_;
  std::map<const impl::future_base*, std::string> names_;
  // Each task's hash, as the Python adapter's Task subclass numbers tasks in creation order.
  std::map<const impl::future_base*, std::uint64_t> task_hashes_;
  std::uint64_t tasks_created_ = 0;
  /// Named objects no longer in `named` (renamed): held until the
  /// run's objects are released, so no other object reuses an address names_ knows.
  std::vector<any_future> kept_;
  std::map<std::string, event> events_;
  long budget_ = 100000;
};

}  // namespace aioconform::impl_runtime
