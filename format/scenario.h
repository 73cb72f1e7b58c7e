#pragma once

// The typed model of an `aioconform.scenario/1` document (spec/formats/scenario.md).
// parse_scenario (scenario_codec.h) builds it from JSON and guarantees what the comments
// below call "valid"; a model built by hand carries no such guarantee.

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "format/box.h"

namespace aioconform::format {

/// A scenario value: JSON without floating-point numbers, strings of at most 1024
/// characters, nesting at most 8, no object key starting with `$` (reserved for the
/// trace's value encoding).
using value = nlohmann::json;

/// A duration in units, 0 ≤ d ≤ 1000000; 0 is a plain yield.
using duration = std::int64_t;

/// A `timeout` that may be null (no timeout): std::nullopt.
using optional_duration = std::optional<duration>;

struct expression;
struct step;

// ---------------------------------------------------------------------------------------
// Children: what a combinator is given.

/// `{"script":S,"as":H?}`: a fresh, bare coroutine `S()`. When the combinator wraps it in
/// a task, that task is bound to handle `as`; without `as` it is auto-named `S#n`.
struct script_child {
  std::string script;             ///< a script of the scenario
  std::optional<std::string> as;  ///< the handle naming the coroutine instance
  friend bool operator==(const script_child&, const script_child&) = default;
};

/// `{"task":H}`: the already-bound task or future `H` (it may appear twice in one list).
struct task_child {
  std::string task;
  friend bool operator==(const task_child&, const task_child&) = default;
};

/// `{"expr":E,"as":H?}`: a nested combinator, passed as the future (gather, shield) or
/// the coroutine (every other kind) that it evaluates to.
struct expr_child {
  box<expression> expr;
  std::optional<std::string> as;
  friend bool operator==(const expr_child&, const expr_child&) = default;
};

/// One argument of a combinator.
struct child : std::variant<script_child, task_child, expr_child> {
  using variant::variant;
  friend bool operator==(const child&, const child&) = default;
};

// ---------------------------------------------------------------------------------------
// Expressions: the combinators.

/// `asyncio.wait`'s `return_when`.
enum class return_when { all_completed, first_completed, first_exception };

/// How an `as_completed` is consumed: a plain `for` over awaitables, or (feature
/// `as_completed_async_for`, 3.13+) `async for` over the yielded futures.
enum class as_completed_form { for_loop, async_for };

/// `asyncio.gather(*children, return_exceptions=...)`; a future.
struct gather_expr {
  std::vector<child> children;
  bool return_exceptions = false;
  friend bool operator==(const gather_expr&, const gather_expr&) = default;
};

/// `asyncio.wait(children, timeout=..., return_when=...)`; a coroutine.
struct wait_expr {
  std::vector<child> children;
  format::return_when return_when = format::return_when::all_completed;
  optional_duration timeout;
  friend bool operator==(const wait_expr&, const wait_expr&) = default;
};

/// `asyncio.as_completed(children, timeout=...)`, consumed fully; a coroutine whose result
/// is the list of per-item outcomes.
struct as_completed_expr {
  std::vector<child> children;
  optional_duration timeout;
  as_completed_form form = as_completed_form::for_loop;
  friend bool operator==(const as_completed_expr&, const as_completed_expr&) = default;
};

/// `asyncio.wait_for(child, timeout)`; a coroutine.
struct wait_for_expr {
  box<child> awaited;  ///< the `child`
  optional_duration timeout;
  friend bool operator==(const wait_for_expr&, const wait_for_expr&) = default;
};

/// `asyncio.shield(child)`; a future.
struct shield_expr {
  box<child> shielded;  ///< the `child`
  friend bool operator==(const shield_expr&, const shield_expr&) = default;
};

/// `async with asyncio.TaskGroup() as tg:` one `tg.create_task` per child, then `steps`
/// (feature `task_group`). Valid children are script children or coroutine-kind
/// expression children.
struct task_group_expr {
  std::vector<child> children;
  std::vector<step> steps;
  friend bool operator==(const task_group_expr&, const task_group_expr&) = default;
};

/// The `wait_any` recipe of seed 004 (cancels the pending children in argument order).
struct wait_any_expr {
  std::vector<child> children;
  optional_duration timeout;
  friend bool operator==(const wait_any_expr&, const wait_any_expr&) = default;
};

/// A combinator expression `E`; evaluated when its step executes.
struct expression : std::variant<gather_expr, wait_expr, as_completed_expr, wait_for_expr,
                                 shield_expr, task_group_expr, wait_any_expr> {
  using variant::variant;
  friend bool operator==(const expression&, const expression&) = default;
};

/// The `kind` spelling of `e` ("gather", "wait", ...).
[[nodiscard]] std::string_view kind_name(const expression& e);

/// Every expression `kind`, in the order of expression's alternatives.
inline constexpr std::array<std::string_view, 7> expression_kinds = {
    "gather", "wait", "as_completed", "wait_for", "shield", "task_group", "wait_any"};

/// True for the kinds that evaluate to a future (gather, shield); the others evaluate to a
/// coroutine.
[[nodiscard]] bool is_future_kind(const expression& e);

// ---------------------------------------------------------------------------------------
// Steps.

/// `await asyncio.sleep(d)`.
struct sleep_step {
  duration d = 0;
  friend bool operator==(const sleep_step&, const sleep_step&) = default;
};

/// `return V`; ends the script.
struct return_step {
  value result;
  friend bool operator==(const return_step&, const return_step&) = default;
};

/// `raise T(M)`; ends the script. `CancelledError` ends the task as cancelled.
struct raise_step {
  std::string type;     ///< a built-in exception type or one of the scenario's `exceptions`
  std::string message;  ///< "" when absent
  friend bool operator==(const raise_step&, const raise_step&) = default;
};

/// `await loop.create_future()`, never resolved: waits until cancelled.
struct hang_step {
  friend bool operator==(const hang_step&, const hang_step&) = default;
};

/// `H = asyncio.create_task(S())`, or `H = asyncio.create_task(_awaits(E))`. Exactly one
/// of `script` (non-empty) and `expr` is set.
struct create_task_step {
  std::string as;
  std::string script;
  std::optional<box<expression>> expr;
  friend bool operator==(const create_task_step&, const create_task_step&) = default;
};

/// `H = asyncio.gather(...)` or `H = asyncio.shield(...)`: binds without awaiting.
/// `expr` is a gather or a shield.
struct future_step {
  std::string as;
  box<expression> expr;
  friend bool operator==(const future_step&, const future_step&) = default;
};

/// `H.cancel()` or `H.cancel(msg)` (feature `cancel_message`); records what it returned.
struct cancel_step {
  std::string target;
  std::optional<std::string> msg;
  friend bool operator==(const cancel_step&, const cancel_step&) = default;
};

/// `await H` or `await E`; records the outcome. Exactly one of `target` (non-empty) and
/// `expr` is set.
struct await_step {
  std::string target;
  std::optional<box<expression>> expr;
  /// The resolved `catch`: the written value, else true for a step written in `main`
  /// (at any depth) and false for one written in another script.
  bool catch_exceptions = false;
  friend bool operator==(const await_step&, const await_step&) = default;
};

/// `async with asyncio.timeout(d): steps` (feature `timeout`); records the block's outcome.
struct timeout_step {
  optional_duration d;
  std::vector<step> steps;
  bool catch_exceptions = false;  ///< resolved as in await_step
  friend bool operator==(const timeout_step&, const timeout_step&) = default;
};

/// `await events[X].wait()`.
struct event_wait_step {
  std::string event;
  friend bool operator==(const event_wait_step&, const event_wait_step&) = default;
};

/// `events[X].set()`.
struct event_set_step {
  std::string event;
  friend bool operator==(const event_set_step&, const event_set_step&) = default;
};

/// `H.done()`, `H.cancelled()`: records `pending`, `done` or `cancelled`.
struct state_step {
  std::string target;
  friend bool operator==(const state_step&, const state_step&) = default;
};

/// One step of a script, by its `op`.
struct step : std::variant<sleep_step, return_step, raise_step, hang_step, create_task_step,
                           future_step, cancel_step, await_step, timeout_step, event_wait_step,
                           event_set_step, state_step> {
  using variant::variant;
  friend bool operator==(const step&, const step&) = default;
};

/// The `op` spelling of `s` ("sleep", "create_task", ...).
[[nodiscard]] std::string_view op_name(const step& s);

/// Every `op`, in the order of step's alternatives.
inline constexpr std::array<std::string_view, 12> step_ops = {
    "sleep",  "return", "raise",   "hang",       "create_task", "future",
    "cancel", "await",  "timeout", "event_wait", "event_set",   "state"};

// ---------------------------------------------------------------------------------------
// Scripts and the scenario.

/// What a coroutine does when a `CancelledError` escapes one of its steps.
enum class on_cancel_kind {
  propagate,  ///< let it propagate: the task ends cancelled (the default)
  swallow,    ///< `except CancelledError: return result`
  cleanup,    ///< `except CancelledError: await asyncio.sleep(d); raise`
  raise,      ///< `except CancelledError: raise type(message)`
};

/// A script's `on_cancel`; only the fields of its kind are meaningful.
struct on_cancel {
  on_cancel_kind kind = on_cancel_kind::propagate;
  value result;         ///< swallow: the value returned
  duration d = 0;       ///< cleanup: the sleep before re-raising
  std::string type;     ///< raise: the exception type
  std::string message;  ///< raise: its message ("" when absent)
  friend bool operator==(const on_cancel&, const on_cancel&) = default;
};

/// The `kind` spelling of `k` ("propagate", ...).
[[nodiscard]] std::string_view kind_name(on_cancel_kind k);

/// Every on_cancel `kind`, in the order of on_cancel_kind.
inline constexpr std::array<std::string_view, 4> on_cancel_kinds = {"propagate", "swallow",
                                                                    "cleanup", "raise"};

/// A coroutine body: steps run in order; running off the end returns null.
struct script {
  std::vector<step> steps;
  format::on_cancel on_cancel;
  friend bool operator==(const script&, const script&) = default;
};

/// A validated scenario.
struct scenario {
  std::string name;                            ///< e.g. "gather/child-raises-others-keep-running"
  std::string description;                     ///< one line
  std::vector<std::string> clauses;            ///< SPEC.md clause ids it exercises
  std::vector<std::string> requires_features;  ///< `requires`: exactly the features used
  std::vector<std::string> exceptions;         ///< declared exception classes
  std::map<std::string, script> scripts;       ///< by name
  script main;                                 ///< the body of `main()`
  nlohmann::json source;                       ///< the validated document, as given
};

}  // namespace aioconform::format
