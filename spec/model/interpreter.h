#pragma once

// The scenario interpreter: runs a scenario's scripts in a world exactly as the Python
// adapter (adapters/python/aioconform_adapter.py) runs them on asyncio, recording the same
// events. Names, handles and auto-names are given in the adapter's order, so that a
// model trace and a runtime trace name things alike.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/scenario.h"
#include "spec/model/proc.h"
#include "spec/model/world.h"

namespace aioconform::model {

/// A coroutine object the adapter created (its _Info): a script instance or a nested
/// combinator coroutine. `task` is set once a task wraps it.
struct coroutine_object {
  proc body;
  std::string name;
  std::optional<std::string> handle;
  std::optional<fid> task;
  /// Coroutine children of one wait/as_completed call: the task factory creates their
  /// tasks together, in argument order.
  /// Weak: a burst whose tasks are never made (asyncio.wait refusing coroutines) must not
  /// keep its members alive through a cycle.
  std::shared_ptr<std::vector<std::weak_ptr<coroutine_object>>> burst;
};
using coroutine_ref = std::shared_ptr<coroutine_object>;

/// What a combinator is given: a future (or task), or a bare coroutine.
struct awaitable {
  std::optional<fid> future;
  coroutine_ref coroutine;
};

/// The executing instance of a script (the adapter's _Ctx).
struct script_context {
  std::string name;
  bool catch_default = false;
  py_exception cexc;         ///< the CancelledError last seen escaping a step
  std::string cpath;         ///< the innermost step it escaped from
  py_exception raised;       ///< a CancelledError the script raised itself
  std::string block_clause;  ///< the clause that decided the last timeout block's outcome
};
using context_ref = std::shared_ptr<script_context>;

/// The JSON a step returns: null, or a one-element array carrying a `return` step's value.
using step_signal = json;

class interpreter {
 public:
  interpreter(const format::scenario& sc, world& w);

  world& w;
  const format::scenario& sc;

  // ---- naming (the adapter's register/auto/bind) ------------------------------------
  std::string auto_name(const std::string& prefix);
  void register_future(fid f, const std::string& name, const std::optional<std::string>& handle);
  fid lookup(const std::string& handle, const script_context& ctx, const std::string& path);
  /// Futures-table names in first-registration order (the adapter's dict).
  std::vector<std::pair<std::string, fid>> named;
  std::map<fid, std::string> names;  ///< first name of each object
  [[nodiscard]] std::string name_of(fid f) const;

  // ---- coroutines and tasks ------------------------------------------------------------
  coroutine_ref new_script_coroutine(const std::string& script, std::optional<std::string> handle,
                                     const script_context& ctx, const std::string& path);
  coroutine_ref register_coroutine(proc body, std::string name, std::optional<std::string> handle);
  /// loop.create_task(coro) through the adapter's task factory.
  fid create_task(const coroutine_ref& c);
  /// asyncio.ensure_future.
  fid ensure_future(const awaitable& a);
  /// Mark the coroutine children of one call as a burst.
  void burst(const std::vector<awaitable>& children);
  /// `await a`: a future, or a coroutine run inline.
  proc await_awaitable(awaitable a);

  // ---- scripts -------------------------------------------------------------------------------
  proc script_body(std::string name, const format::script* s, bool is_main);
  proc run_steps(context_ref ctx, const std::vector<format::step>* steps, std::string prefix);
  proc run_step(context_ref ctx, const format::step* st, std::string path);
  awaitable eval_child(const context_ref& ctx, const format::child& c, const std::string& path);
  std::vector<awaitable> eval_children(const context_ref& ctx, const std::vector<format::child>& cs,
                                       const std::string& path);
  awaitable eval_expr(const context_ref& ctx, const format::expression& e, const std::string& path,
                      const std::string& exec_name, std::optional<std::string> as, bool nested);
  py_exception make_raise(const std::string& type, const std::string& message);

  // ---- asyncio.Event ----------------------------------------------------------------------
  struct event_object {
    bool value = false;
    std::vector<fid> waiters;
  };
  std::map<std::string, event_object> events;
  proc event_wait(std::string name);
  void event_set(const std::string& name);

  void check_budget(const script_context& ctx, const std::string& path);

  /// The clause that decided what the combinator coroutine that just finished returned or
  /// raised; set by the combinator, taken by the `await` step that records it.
  std::string decided_by;
  void decide(std::string_view clause) { decided_by = clause; }

 private:
  std::map<std::string, int> counters_;
  std::map<std::string, fid> handles_;
  std::map<std::string, std::optional<std::string>> task_names_;
  long budget_ = 100000;
};

/// Encodes (done, pending) sets as the trace does.
[[nodiscard]] json encode_future_set(const interpreter& in, const std::vector<fid>& fs);

}  // namespace aioconform::model
