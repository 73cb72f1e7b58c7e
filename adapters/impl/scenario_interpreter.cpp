#include "adapters/impl/scenario_interpreter.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "adapters/impl/exception_encoding.h"
#include "adapters/impl/json_gather.h"
#include "format/canonical_json.h"
#include "format/python_repr.h"
#include "impl/as_completed.h"
#include "impl/error.h"
#include "impl/exception_access.h"
#include "impl/gather.h"
#include "impl/outcome_of.h"
#include "impl/shield.h"
#include "impl/sleep.h"
#include "impl/task_group.h"
#include "impl/timeout.h"
#include "impl/wait_any.h"
#include "impl/wait_for.h"
#include "spec/model/set_order.h"

namespace aioconform::impl_runtime {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

impl::return_when to_impl(format::return_when w) {
  switch (w) {
    case format::return_when::first_completed:
      return impl::return_when::first_completed;
    case format::return_when::first_exception:
      return impl::return_when::first_exception;
    case format::return_when::all_completed:
      break;
  }
  return impl::return_when::all_completed;
}

// Exceptions travel between the interpreter's coroutines as values (outcome_of, raised):
// a rethrow per level per failure was most of a case's time. Only Python exceptions
// (impl::error) are the scripts' to catch and report; anything else (a scenario_error,
// bad_alloc) leaves as a C++ exception, as it always did.
std::exception_ptr python_exception(std::exception_ptr e) {
  if (e && !impl::exception_as<impl::error>(e)) std::rethrow_exception(std::move(e));
  return e;
}

bool has_coroutine(const std::vector<awaitable>& children) {
  return std::any_of(children.begin(), children.end(),
                     [](const awaitable& a) { return a.coroutine != nullptr; });
}

/// What asyncio.wait raises for `children` before it waits (wait.empty, 3.11+
/// wait.coroutines), or null.
std::exception_ptr wait_refusal(const std::vector<awaitable>& children) {
  if (children.empty()) {
    return std::make_exception_ptr(impl::error("ValueError", "Set of Tasks/Futures is empty."));
  }
  if (has_coroutine(children)) {
    return std::make_exception_ptr(
        impl::error("TypeError", "Passing coroutines is forbidden, use tasks explicitly."));
  }
  return nullptr;
}

}  // namespace

interpreter::interpreter(const format::scenario& sc, impl::event_loop& loop)
    : sc_(sc), loop_(loop) {}

void interpreter::record(const std::string& task, const char* ev, json fields) {
  fields["t"] = loop_.time();
  fields["task"] = task;
  fields["ev"] = ev;
  events.push_back(std::move(fields));
}

std::optional<std::string> interpreter::name_of(const impl::future_base* f) const {
  auto it = names_.find(f);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

const any_future* interpreter::find(const impl::future_base* f) const {
  for (const auto& [name, g] : named) {
    if (g.base() == f) return &g;
  }
  return nullptr;
}

std::string interpreter::auto_name(const std::string& prefix) {
  return prefix + "#" + std::to_string(++counters_[prefix]);
}

void interpreter::register_future(const any_future& f, const std::string& name,
                                  const std::optional<std::string>& handle) {
  auto it =
      std::find_if(named.begin(), named.end(), [&](const auto& n) { return n.first == name; });
  if (it == named.end()) {
    named.emplace_back(name, f);
  } else {
    // names_ is keyed by address: the object losing the name must outlive the run.
    kept_.push_back(std::exchange(it->second, f));
  }
  names_.emplace(f.base(), name);
  if (f.is_task() && !task_hashes_.contains(f.base())) {
    task_hashes_.emplace(f.base(), ++tasks_created_);
  }
  if (handle) handles_.insert_or_assign(*handle, f);
}

void interpreter::fail(const std::string& message) {
  if (!failure) failure = message;
  throw scenario_error(message);
}

any_future interpreter::lookup(const std::string& handle, const script_context& ctx,
                               const std::string& path) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) {
    fail("handle '" + handle + "' used before it was bound (" + ctx.name + ", step " + path + ")");
  }
  return it->second;
}

void interpreter::check_budget(const script_context& ctx, const std::string& path) {
  if (--budget_ < 0) {
    fail("runaway scenario: more than 100000 steps executed (" + ctx.name + ", step " + path + ")");
  }
}

coroutine_ref interpreter::register_coroutine(std::optional<impl::task<json>> body,
                                              std::string name, std::optional<std::string> handle) {
  auto c = std::make_shared<coroutine_object>();
  c->body = std::move(body);
  c->name = std::move(name);
  c->handle = std::move(handle);
  return c;
}

coroutine_ref interpreter::main_coroutine() {
  auto c = register_coroutine(std::nullopt, "main", std::string("main"));
  c->body = script_body("main", &sc_.main);
  return c;
}

coroutine_ref interpreter::new_script_coroutine(const std::string& script,
                                                std::optional<std::string> handle,
                                                const script_context& ctx,
                                                const std::string& path) {
  auto it = sc_.scripts.find(script);
  if (it == sc_.scripts.end()) {
    fail("unknown script '" + script + "' (" + ctx.name + ", step " + path + ")");
  }
  std::string name = handle ? *handle : auto_name(script);
  auto c = register_coroutine(std::nullopt, std::move(name), std::move(handle));
  c->body = script_body(c->name, &it->second);
  return c;
}

void interpreter::create_task(const coroutine_ref& c) {
  if (c->has_task) return;
  impl::create_task(loop_, *c->body);
  c->has_task = true;
  register_future(any_future(*c->body), c->name, c->handle);
}

impl::future<json> interpreter::as_future(const awaitable& a) {
  if (a.coroutine) {
    create_task(a.coroutine);
    return *a.coroutine->body;
  }
  return a.future->handle();
}

std::vector<impl::future<json>> interpreter::as_futures(const std::vector<awaitable>& children) {
  std::vector<impl::future<json>> out;
  out.reserve(children.size());
  for (const awaitable& a : children) out.push_back(as_future(a));
  return out;
}

std::vector<impl::future<json>> interpreter::in_set_order(
    std::vector<impl::future<json>> fs) const {
  std::vector<impl::future<json>> distinct;
  std::vector<std::uint64_t> hashes;
  for (const impl::future<json>& f : fs) {
    if (std::find(distinct.begin(), distinct.end(), f) != distinct.end()) continue;
    auto hash = task_hashes_.find(f.base());
    if (hash == task_hashes_.end()) return fs;  // not all tasks: argument order
    hashes.push_back(hash->second);
    distinct.push_back(f);
  }
  std::vector<impl::future<json>> out;
  out.reserve(distinct.size());
  for (std::size_t i : model::python_set_order(hashes)) out.push_back(distinct[i]);
  return out;
}

impl::task<json> interpreter::await_awaitable(awaitable a) {
  if (a.future) co_return co_await impl::outcome_of(a.future->await_value());
  // `await coro`: the coroutine runs inline in this task (task.await.resume).
  impl::task<json> body = *a.coroutine->body;
  co_return co_await impl::outcome_of(body);
}

impl::task<json> interpreter::awaits(awaitable a) {
  co_return co_await impl::outcome_of(await_awaitable(std::move(a)));
}

std::exception_ptr interpreter::make_raise(const std::string& type, const std::string& message) {
  if (type == "CancelledError") return std::make_exception_ptr(impl::cancelled_error(message));
  // str(KeyError(k)) is repr(k).
  if (type == "KeyError")
    return std::make_exception_ptr(impl::error(type, format::python_repr(message)));
  return std::make_exception_ptr(impl::error(type, message));
}

// ---- scripts -------------------------------------------------------------------------------

impl::task<json> interpreter::script_body(std::string name, const format::script* s) {
  record(name, "start", json::object());
  auto ctx = std::make_shared<script_context>();
  ctx->name = name;
  impl::outcome<json> steps = co_await impl::outcome_of(run_steps(ctx, &s->steps, ""));
  std::exception_ptr err = python_exception(std::move(steps.exception));
  if (!err) {
    json v = steps.value->is_array() ? (*steps.value)[0] : json(nullptr);
    record(name, "exit", {{"outcome", {{"result", v}}}});
    co_return v;
  }
  if (!impl::is_cancelled_error(err) || err == ctx->raised) {
    // An exception, or a `raise CancelledError` step: not a delivered cancellation.
    record(name, "exit", {{"outcome", exception_outcome(err)}});
    co_return impl::raised{err};
  }
  const format::on_cancel& oc = s->on_cancel;
  record(name, "on_cancel",
         {{"at", ctx->cexc == err ? ctx->cpath : std::string()},
          {"policy", std::string(format::kind_name(oc.kind))},
          {"message", impl::describe(err).message}});
  switch (oc.kind) {
    case format::on_cancel_kind::swallow:
      record(name, "exit", {{"outcome", {{"result", oc.result}}}});
      co_return oc.result;
    case format::on_cancel_kind::cleanup: {
      impl::outcome<void> cleanup = co_await impl::outcome_of(impl::sleep(oc.d));
      if (std::exception_ptr e2 = python_exception(std::move(cleanup.exception))) {
        record(name, "exit", {{"outcome", exception_outcome(e2)}});
        co_return impl::raised{e2};
      }
      break;
    }
    case format::on_cancel_kind::raise: {
      std::exception_ptr other = make_raise(oc.type, oc.message);
      record(name, "exit", {{"outcome", exception_outcome(other)}});
      co_return impl::raised{other};
    }
    case format::on_cancel_kind::propagate:
      break;
  }
  record(name, "exit", {{"outcome", exception_outcome(err)}});
  co_return impl::raised{err};
}

impl::task<json> interpreter::run_steps(context_ref ctx, const std::vector<format::step>* steps,
                                        std::string prefix) {
  for (std::size_t i = 0; i < steps->size(); ++i) {
    std::string path = prefix + std::to_string(i);
    check_budget(*ctx, path);
    const format::step& st = (*steps)[i];
    record(ctx->name, "step", {{"at", path}, {"op", std::string(format::op_name(st))}});
    impl::outcome<json> step = co_await impl::outcome_of(run_step(ctx, &st, path));
    if (std::exception_ptr err = python_exception(std::move(step.exception))) {
      if (impl::is_cancelled_error(err) && ctx->cexc != err) {
        ctx->cexc = err;  // the innermost step it escaped from
        ctx->cpath = path;
      }
      co_return impl::raised{err};
    }
    if (step.value->is_array()) co_return std::move(*step.value);
  }
  co_return nullptr;
}

impl::task<json> interpreter::run_step(context_ref ctx, const format::step* st, std::string path) {
  const std::string& me = ctx->name;
  if (auto* s = std::get_if<format::sleep_step>(st)) {
    impl::outcome<void> slept = co_await impl::outcome_of(impl::sleep(s->d));
    if (slept.exception) co_return impl::raised{std::move(slept.exception)};
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::return_step>(st)) co_return json::array({s->result});
  if (auto* s = std::get_if<format::raise_step>(st)) {
    std::exception_ptr e = make_raise(s->type, s->message);
    if (impl::is_cancelled_error(e)) ctx->raised = e;
    co_return impl::raised{e};
  }
  if (std::get_if<format::hang_step>(st)) {
    impl::future<json> never(loop_);
    impl::outcome<json> o = co_await impl::outcome_of(never);
    if (o.exception) co_return impl::raised{std::move(o.exception)};
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::create_task_step>(st)) {
    coroutine_ref c;
    if (!s->script.empty()) {
      c = new_script_coroutine(s->script, s->as, *ctx, path);
    } else {
      awaitable a = eval_expr(ctx, **s->expr, path, s->as, std::nullopt, false);
      c = register_coroutine(awaits(std::move(a)), s->as, s->as);
    }
    create_task(c);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::future_step>(st)) {
    eval_expr(ctx, *s->expr, path, me, s->as, false);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::cancel_step>(st)) {
    any_future f = lookup(s->target, *ctx, path);
    bool r = f.base()->cancel(s->msg.value_or(""));
    json fields = {{"at", path}, {"target", s->target}, {"returned", r}};
    if (s->msg) fields["msg"] = *s->msg;
    record(me, "cancel", std::move(fields));
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::state_step>(st)) {
    any_future f = lookup(s->target, *ctx, path);
    const char* state = !f.base()->done()       ? "pending"
                        : f.base()->cancelled() ? "cancelled"
                                                : "done";
    record(me, "state", {{"at", path}, {"target", s->target}, {"state", state}});
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::event_wait_step>(st)) {
    impl::outcome<bool> waited = co_await impl::outcome_of(events_[s->event].wait());
    if (waited.exception) co_return impl::raised{std::move(waited.exception)};
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::event_set_step>(st)) {
    events_[s->event].set();
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::await_step>(st)) {
    json v;
    step_signal sig;
    std::exception_ptr err;
    try {
      // The lookups and expressions may throw; what is awaited ends as an outcome.
      impl::outcome<json> o;
      bool signals = false;
      if (!s->target.empty()) {
        any_future f = lookup(s->target, *ctx, path);
        o = co_await impl::outcome_of(f.await_value());
      } else if (auto* tg = std::get_if<format::task_group_expr>(&**s->expr)) {
        std::vector<coroutine_ref> coros = task_group_children(ctx, *tg, path);
        o = co_await impl::outcome_of(task_group_body(ctx, std::move(coros), &tg->steps, path));
        signals = true;
      } else {
        awaitable a = eval_expr(ctx, **s->expr, path, me, std::nullopt, false);
        o = co_await impl::outcome_of(await_awaitable(std::move(a)));
      }
      err = python_exception(std::move(o.exception));
      if (!err) (signals ? sig : v) = std::move(*o.value);
    } catch (const impl::error&) {
      err = std::current_exception();
    }
    if (err) {
      record(me, "await_end", {{"at", path}, {"outcome", exception_outcome(err)}});
      if (s->catch_exceptions) co_return nullptr;
      co_return impl::raised{err};
    }
    if (sig.is_array()) co_return sig;
    record(me, "await_end", {{"at", path}, {"outcome", {{"result", v}}}});
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::timeout_step>(st)) {
    impl::outcome<json> block =
        co_await impl::outcome_of(timeout_block(ctx, s->d, &s->steps, path));
    if (std::exception_ptr err = python_exception(std::move(block.exception))) {
      record(me, "block_end", {{"at", path}, {"outcome", exception_outcome(err)}});
      if (s->catch_exceptions) co_return nullptr;
      co_return impl::raised{err};
    }
    if (block.value->is_array()) co_return std::move(*block.value);
    record(me, "block_end", {{"at", path}, {"outcome", {{"result", nullptr}}}});
    co_return nullptr;
  }
  fail("unknown step");
}

// ---- expressions ----------------------------------------------------------------------------

awaitable interpreter::eval_child(const context_ref& ctx, const format::child& c,
                                  const std::string& path) {
  return std::visit(
      overloaded{[&](const format::script_child& s) -> awaitable {
                   return {std::nullopt, new_script_coroutine(s.script, s.as, *ctx, path)};
                 },
                 [&](const format::task_child& t) -> awaitable {
                   return {lookup(t.task, *ctx, path), nullptr};
                 },
                 [&](const format::expr_child& e) -> awaitable {
                   return eval_expr(ctx, *e.expr, path, ctx->name, e.as, true);
                 }},
      static_cast<
          const std::variant<format::script_child, format::task_child, format::expr_child>&>(c));
}

std::vector<awaitable> interpreter::eval_children(const context_ref& ctx,
                                                  const std::vector<format::child>& cs,
                                                  const std::string& path) {
  std::vector<awaitable> out;
  for (const format::child& c : cs) out.push_back(eval_child(ctx, c, path));
  return out;
}

std::vector<coroutine_ref> interpreter::task_group_children(const context_ref& ctx,
                                                            const format::task_group_expr& tg,
                                                            const std::string& path) {
  std::vector<coroutine_ref> coros;
  for (const format::child& c : tg.children) {
    awaitable a = eval_child(ctx, c, path);
    if (!a.coroutine) {
      fail("task_group children must be scripts or coroutine expressions (" + ctx->name +
           ", step " + path + ")");
    }
    coros.push_back(a.coroutine);
  }
  return coros;
}

awaitable interpreter::eval_expr(const context_ref& ctx, const format::expression& e,
                                 const std::string& path, const std::string& exec_name,
                                 std::optional<std::string> as, bool nested) {
  if (auto* g = std::get_if<format::gather_expr>(&e)) {
    std::vector<awaitable> cs = eval_children(ctx, g->children, path);
    // gather.wraps-coroutines: the coroutines become tasks in argument order, and the
    // futures are taken as they are (ensure_future).
    std::vector<impl::future<json>> fs = as_futures(cs);
    for (std::size_t i = 0; i < cs.size(); ++i) {
      // tasks.py gather: a task it made of a coroutine is not reported if destroyed pending.
      if (cs[i].coroutine)
        static_cast<impl::task_base*>(fs[i].base())->disable_destroy_pending_log();
    }
    any_future f(gather_json(std::move(fs), g->return_exceptions));
    register_future(f, as ? *as : auto_name("gather"), as);
    return {f, nullptr};
  }
  if (auto* s = std::get_if<format::shield_expr>(&e)) {
    awaitable child = eval_child(ctx, *s->shielded, path);
    if (child.coroutine) create_task(child.coroutine);  // shield.wrap
    any_future inner = child.coroutine ? any_future(*child.coroutine->body) : *child.future;
    any_future f(std::visit(
        [](const auto& x) -> any_future::variant { return any_future::variant(impl::shield(x)); },
        inner.get()));
    // A child done at the call is returned itself (shield.done-shortcut): still a task.
    if (f.base() == inner.base()) f = inner;
    register_future(f, as ? *as : auto_name("shield"), as);
    return {f, nullptr};
  }
  std::optional<std::string> own = as;
  std::string ename = exec_name;
  std::string kind(format::kind_name(e));
  std::optional<impl::task<json>> body;
  if (auto* we = std::get_if<format::wait_expr>(&e)) {
    body = wait_body(eval_children(ctx, we->children, path), we->return_when, we->timeout);
  } else if (auto* wf = std::get_if<format::wait_for_expr>(&e)) {
    body = wait_for_body(eval_child(ctx, *wf->awaited, path), wf->timeout);
  } else if (auto* ac = std::get_if<format::as_completed_expr>(&e)) {
    std::vector<awaitable> cs = eval_children(ctx, ac->children, path);
    if (nested) {
      if (!own) own = auto_name(kind);
      ename = *own;
    }
    body = as_completed_body(ename, path, std::move(cs), ac->timeout, ac->form);
  } else if (auto* wa = std::get_if<format::wait_any_expr>(&e)) {
    body = wait_any_body(eval_children(ctx, wa->children, path), wa->timeout);
  } else if (auto* x = std::get_if<format::task_group_expr>(&e)) {
    std::vector<coroutine_ref> coros = task_group_children(ctx, *x, path);
    if (nested) {
      if (!own) own = auto_name(kind);
      ename = *own;
    }
    auto sub = std::make_shared<script_context>();
    sub->name = ename;
    body = task_group_coroutine(sub, std::move(coros), &x->steps, path);
  }
  if (nested && !own) own = auto_name(kind);
  return {std::nullopt, register_coroutine(std::move(body), own.value_or(ename), as)};
}

// ---- combinators -----------------------------------------------------------------------------

json interpreter::encode_wait_result(const impl::wait_result<json>& r) const {
  auto encode_set = [this](const std::vector<impl::future<json>>& fs) {
    std::vector<std::pair<std::string, json>> items;
    for (const impl::future<json>& f : fs) {
      json item = {{"$future", name_of(f.base()).value_or("?")}};
      items.emplace_back(format::canonical_compact(item), item);
    }
    std::sort(items.begin(), items.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    json out = json::array();
    for (auto& [key, item] : items) out.push_back(std::move(item));
    return json{{"$set", std::move(out)}};
  };
  return json::array({encode_set(r.done), encode_set(r.pending)});
}

impl::task<json> interpreter::wait_body(std::vector<awaitable> children, format::return_when when,
                                        std::optional<std::int64_t> timeout) {
  if (std::exception_ptr refused = wait_refusal(children)) co_return impl::raised{refused};
  impl::outcome<impl::wait_result<json>> r = co_await impl::outcome_of(
      impl::wait(in_set_order(as_futures(children)), to_impl(when), timeout));
  if (r.exception) co_return impl::raised{std::move(r.exception)};
  co_return encode_wait_result(*r.value);
}

impl::task<json> interpreter::wait_for_body(awaitable child, std::optional<std::int64_t> timeout) {
  if (child.coroutine) {
    // 3.12+ runs a coroutine inline, unless the timeout is already over: then
    // ensure_future makes it a task, which the trace names.
    if (timeout && *timeout <= 0) create_task(child.coroutine);
    co_return co_await impl::outcome_of(impl::wait_for(*child.coroutine->body, timeout));
  }
  if (const impl::task<json>* task = child.future->task()) {
    co_return co_await impl::outcome_of(impl::wait_for(*task, timeout));
  }
  co_return co_await impl::outcome_of(impl::wait_for(child.future->handle(), timeout));
}

impl::task<json> interpreter::as_completed_body(std::string exec_name, std::string path,
                                                std::vector<awaitable> children,
                                                std::optional<std::int64_t> timeout,
                                                format::as_completed_form form) {
  // The adapter's task factory wraps the coroutine children in argument order, where
  // CPython iterates a set (the adapter's "burst").
  impl::as_completed_iterator<json> it =
      impl::as_completed(in_set_order(as_futures(children)), timeout);
  json outcomes = json::array();
  for (std::size_t i = 0; it.has_next(); ++i) {
    json outcome;
    std::exception_ptr err;
    std::optional<std::string> future_name;
    impl::outcome<json> item_outcome;
    if (form == format::as_completed_form::async_for) {
      // __anext__ awaits the next future outside the item's try (as_completed.async-for.timeout)
      impl::outcome<impl::future<json>> next = co_await impl::outcome_of(it.next_future());
      if (next.exception) co_return impl::raised{std::move(next.exception)};
      impl::future<json> item = std::move(*next.value);
      future_name = name_of(item.base()).value_or("?");
      item_outcome = co_await impl::outcome_of(item);
    } else {
      item_outcome = co_await impl::outcome_of(it.next());  // as_completed.exception.per-item
    }
    err = python_exception(std::move(item_outcome.exception));
    outcome = err ? exception_outcome(err) : json{{"result", std::move(*item_outcome.value)}};
    json fields = {{"at", path}, {"i", i}, {"outcome", outcome}};
    if (future_name) fields["future"] = *future_name;
    record(exec_name, "yield", std::move(fields));
    if (err && impl::is_cancelled_error(err)) co_return impl::raised{err};
    outcomes.push_back(std::move(outcome));
  }
  co_return outcomes;
}

impl::task<json> interpreter::wait_any_body(std::vector<awaitable> children,
                                            std::optional<std::int64_t> timeout) {
  // The recipe's asyncio.wait refuses what wait() refuses, before any task is cancelled.
  if (std::exception_ptr refused = wait_refusal(children)) co_return impl::raised{refused};
  // The recipe's asyncio.wait takes set(fs): a future given twice is one member.
  impl::outcome<impl::wait_result<json>> r =
      co_await impl::outcome_of(impl::wait_any(as_futures(children), timeout));
  if (r.exception) co_return impl::raised{std::move(r.exception)};
  co_return encode_wait_result(*r.value);
}

impl::task<json> interpreter::task_group_body(context_ref ctx, std::vector<coroutine_ref> coros,
                                              const std::vector<format::step>* steps,
                                              std::string path) {
  impl::task_group tg;
  co_await tg.enter();
  step_signal sig;
  std::exception_ptr exc;
  try {
    for (const coroutine_ref& c : coros) {
      tg.create_task(*c->body);  // taskgroup.children.start
      c->has_task = true;
      register_future(any_future(*c->body), c->name, c->handle);
    }
    impl::outcome<json> body = co_await impl::outcome_of(run_steps(ctx, steps, path + "."));
    exc = python_exception(std::move(body.exception));
    if (!exc) sig = std::move(*body.value);
  } catch (const impl::error&) {
    exc = std::current_exception();
  }
  tg.begin_exit(exc);
  while (tg.has_tasks()) co_await tg.wait_tasks();
  if (std::exception_ptr e = tg.end_exit_exception()) co_return impl::raised{std::move(e)};
  co_return sig;
}

impl::task<json> interpreter::task_group_coroutine(context_ref sub,
                                                   std::vector<coroutine_ref> coros,
                                                   const std::vector<format::step>* steps,
                                                   std::string path) {
  impl::outcome<json> block =
      co_await impl::outcome_of(task_group_body(std::move(sub), std::move(coros), steps, path));
  if (block.exception) co_return impl::raised{std::move(block.exception)};
  co_return block.value->is_array() ? (*block.value)[0] : json(nullptr);
}

impl::task<json> interpreter::timeout_block(context_ref ctx, std::optional<std::int64_t> d,
                                            const std::vector<format::step>* steps,
                                            std::string path) {
  impl::timeout_scope scope = impl::timeout(d);
  co_await scope.enter();
  impl::outcome<json> block = co_await impl::outcome_of(run_steps(ctx, steps, path + "."));
  std::exception_ptr err = python_exception(std::move(block.exception));
  if (std::exception_ptr e = scope.exit_exception(std::move(err))) co_return impl::raised{e};
  co_return std::move(*block.value);
}

}  // namespace aioconform::impl_runtime
