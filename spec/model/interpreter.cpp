#include "spec/model/interpreter.h"

#include <algorithm>
#include <set>
#include <type_traits>
#include <utility>

#include "format/canonical_json.h"
#include "format/python_repr.h"
#include "spec/model/combinators.h"
#include "spec/model/json_object.h"

namespace aioconform::model {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// asyncio's `_awaits(aw)`: `return await aw`.
proc awaits(interpreter& in, awaitable a) {
  co_return co_await in.await_awaitable(std::move(a));
}

/// The adapter's tg_coro: a nested task_group as a coroutine returning the body's value.
proc task_group_coroutine(interpreter& in, context_ref sub, std::vector<coroutine_ref> coros,
                          const std::vector<format::step>* steps, std::string path) {
  outcome body = co_await task_group_body(in, sub, std::move(coros), steps, path);
  if (body.raised()) co_return body;
  const step_signal& sig = body.value;
  co_return sig.is_array() ? sig[0] : json(nullptr);
}

}  // namespace

interpreter::interpreter(const format::scenario& scenario, world& wld) : w(wld), sc(scenario) {}

std::string interpreter::auto_name(const std::string& prefix) {
  return prefix + "#" + std::to_string(++counters_[prefix]);
}

void interpreter::register_future(fid f, const std::string& name,
                                  const std::optional<std::string>& handle) {
  auto it =
      std::find_if(named.begin(), named.end(), [&](const auto& n) { return n.first == name; });
  if (it == named.end()) {
    named.emplace_back(name, f);
  } else {
    it->second = f;
  }
  names.emplace(f, name);
  if (w.at(f).name.empty()) w.at(f).name = name;
  if (handle) handles_[*handle] = f;
}

fid interpreter::lookup(const std::string& handle, const script_context& ctx,
                        const std::string& path) {
  auto it = handles_.find(handle);
  if (it == handles_.end()) {
    throw scenario_error{"handle '" + handle + "' used before it was bound (" + ctx.name +
                         ", step " + path + ")"};
  }
  return it->second;
}

std::string interpreter::name_of(fid f) const {
  auto it = names.find(f);
  return it == names.end() ? "?" : it->second;
}

coroutine_ref interpreter::register_coroutine(proc body, std::string name,
                                              std::optional<std::string> handle) {
  auto c = std::make_shared<coroutine_object>();
  c->body = std::move(body);
  c->name = std::move(name);
  c->handle = std::move(handle);
  return c;
}

coroutine_ref interpreter::new_script_coroutine(const std::string& script,
                                                std::optional<std::string> handle,
                                                const script_context& ctx,
                                                const std::string& path) {
  auto it = sc.scripts.find(script);
  if (it == sc.scripts.end()) {
    throw scenario_error{"unknown script '" + script + "' (" + ctx.name + ", step " + path + ")"};
  }
  std::string name = handle ? *handle : auto_name(script);
  auto c = register_coroutine(proc(), std::move(name), std::move(handle));
  c->body = script_body(c->name, &it->second, false);
  return c;
}

fid interpreter::create_task(const coroutine_ref& c) {
  if (c->task) return *c->task;  // created ahead with the rest of its burst
  if (c->burst) {
    auto members = std::move(c->burst);
    std::vector<coroutine_ref> alive;
    for (const auto& weak : *members) {
      if (auto m = weak.lock()) alive.push_back(std::move(m));
    }
    for (const coroutine_ref& m : alive) m->burst.reset();
    for (const coroutine_ref& m : alive) {
      if (!m->task) create_task(m);
    }
    return *c->task;
  }
  return w.create_task(std::move(c->body), c->name, [this, c](fid t) {
    c->task = t;
    register_future(t, c->name, c->handle);
  });
}

fid interpreter::ensure_future(const awaitable& a) {
  if (a.future) return *a.future;
  return create_task(a.coroutine);
}

void interpreter::burst(const std::vector<awaitable>& children) {
  std::vector<coroutine_ref> members;
  for (const awaitable& a : children) {
    if (a.coroutine && !a.coroutine->task &&
        std::find(members.begin(), members.end(), a.coroutine) == members.end()) {
      members.push_back(a.coroutine);
    }
  }
  if (members.size() > 1) {
    auto shared = std::make_shared<std::vector<std::weak_ptr<coroutine_object>>>(members.begin(),
                                                                                 members.end());
    for (const coroutine_ref& m : members) m->burst = shared;
  }
}

proc interpreter::await_awaitable(awaitable a) {
  if (a.future) co_return co_await w.wait(*a.future);
  // `await coro`: the coroutine runs inline in this task (task.await.resume).
  proc body = std::move(a.coroutine->body);
  co_return co_await body;
}

void interpreter::check_budget(const script_context& ctx, const std::string& path) {
  if (--budget_ < 0) {
    throw scenario_error{"runaway scenario: more than 100000 steps executed (" + ctx.name +
                         ", step " + path + ")"};
  }
}

py_exception interpreter::make_raise(const std::string& type, const std::string& message) {
  if (type == "CancelledError") return make_cancelled_error(message);
  // str(KeyError(k)) is repr(k).
  if (type == "KeyError") return make_exception(type, format::python_repr(message));
  return make_exception(type, message);
}

// ---- scripts -------------------------------------------------------------------------------

proc interpreter::script_body(std::string name, const format::script* s, bool is_main) {
  w.record(name, "start", json::object(),
           w.active_profile().eager ? "task.start.eager" : "task.start.next-iteration");
  auto ctx = std::make_shared<script_context>();
  ctx->name = name;
  ctx->catch_default = is_main;
  outcome body = co_await run_steps(ctx, &s->steps, "");
  const py_exception& err = body.exception;
  if (!err) {
    const step_signal& sig = body.value;
    json v = sig.is_array() ? sig[0] : json(nullptr);
    w.record(name, "exit", json_object("outcome", json_object("result", v)));
    co_return v;
  }
  if (!is_cancelled_error(err)) {
    w.record(name, "exit", json_object("outcome", exception_outcome(err)), "task.await.outcome");
    co_return body;
  }
  if (err == ctx->raised) {  // a `raise CancelledError` step: not a delivered cancellation
    w.record(name, "exit", json_object("outcome", exception_outcome(err)), "task.raise-cancelled");
    co_return body;
  }
  const format::on_cancel& oc = s->on_cancel;
  w.record(name, "on_cancel",
           json_object("at", ctx->cexc == err ? ctx->cpath : std::string(), "policy",
                       std::string(format::kind_name(oc.kind)), "message", err->message),
           w.cancellation_clause(*w.current_task()));
  switch (oc.kind) {
    case format::on_cancel_kind::swallow:
      w.record(name, "exit", json_object("outcome", json_object("result", oc.result)),
               "task.cancel.swallow");
      co_return oc.result;
    case format::on_cancel_kind::cleanup: {
      outcome cleanup = co_await w.sleep(oc.d);
      if (cleanup.raised()) {
        w.record(name, "exit", json_object("outcome", exception_outcome(cleanup.exception)),
                 "task.cancel.cleanup.interrupted");
        co_return cleanup;
      }
      w.record(name, "exit", json_object("outcome", exception_outcome(err)), "task.cancel.cleanup");
      co_return body;
    }
    case format::on_cancel_kind::raise: {
      py_exception other = make_raise(oc.type, oc.message);
      w.record(name, "exit", json_object("outcome", exception_outcome(other)),
               "task.cancel.raise-other");
      co_return py_raise{other};
    }
    case format::on_cancel_kind::propagate:
      break;
  }
  w.record(name, "exit", json_object("outcome", exception_outcome(err)),
           w.cancellation_clause(*w.current_task()));
  co_return body;
}

proc interpreter::run_steps(context_ref ctx, const std::vector<format::step>* steps,
                            std::string prefix) {
  for (std::size_t i = 0; i < steps->size(); ++i) {
    std::string path = prefix + std::to_string(i);
    check_budget(*ctx, path);
    const format::step& st = (*steps)[i];
    w.record(ctx->name, "step", json_object("at", path, "op", std::string(format::op_name(st))));
    outcome step = co_await run_step(ctx, &st, path);
    if (step.raised()) {
      if (is_cancelled_error(step.exception) && ctx->cexc != step.exception) {
        ctx->cexc = step.exception;  // the innermost step it escaped from
        ctx->cpath = path;
      }
      co_return step;
    }
    if (step.value.is_array()) co_return step;
  }
  co_return nullptr;
}

proc interpreter::run_step(context_ref ctx, const format::step* st, std::string path) {
  const std::string& me = ctx->name;
  if (auto* s = std::get_if<format::sleep_step>(st)) {
    if (outcome r = co_await w.sleep(s->d); r.raised()) co_return r;
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::return_step>(st)) co_return json::array({s->result});
  if (auto* s = std::get_if<format::raise_step>(st)) {
    py_exception e = make_raise(s->type, s->message);
    if (is_cancelled_error(e)) ctx->raised = e;
    co_return py_raise{e};
  }
  if (std::get_if<format::hang_step>(st)) {
    if (outcome r = co_await w.wait(w.create_future()); r.raised()) co_return r;
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::create_task_step>(st)) {
    coroutine_ref c;
    if (!s->script.empty()) {
      c = new_script_coroutine(s->script, s->as, *ctx, path);
    } else {
      awaitable a = eval_expr(ctx, **s->expr, path, s->as, std::nullopt, false);
      c = register_coroutine(awaits(*this, std::move(a)), s->as, s->as);
    }
    create_task(c);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::future_step>(st)) {
    eval_expr(ctx, *s->expr, path, me, s->as, false);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::cancel_step>(st)) {
    fid f = lookup(s->target, *ctx, path);
    bool r = w.cancel(f, s->msg, "task.cancel.return-value");
    json fields = json_object("at", path, "target", s->target, "returned", r);
    if (s->msg) fields["msg"] = *s->msg;
    w.record(me, "cancel", std::move(fields), "task.cancel.return-value");
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::state_step>(st)) {
    fid f = lookup(s->target, *ctx, path);
    const char* state = !w.done(f) ? "pending" : w.cancelled(f) ? "cancelled" : "done";
    w.record(me, "state", json_object("at", path, "target", s->target, "state", state),
             "task.cancelled.state");
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::event_wait_step>(st)) {
    if (outcome r = co_await event_wait(s->event); r.raised()) co_return r;
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::event_set_step>(st)) {
    event_set(s->event);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::await_step>(st)) {
    outcome r;  // the awaited value, or the task group's step_signal
    bool task_group = false;
    std::string clause = "task.await.outcome";
    if (!s->target.empty()) {
      fid f = lookup(s->target, *ctx, path);
      r = co_await w.wait(f);
      if (!r.raised()) clause = w.at(f).decided_by;
    } else if (auto* tg = std::get_if<format::task_group_expr>(&**s->expr)) {
      std::vector<coroutine_ref> coros;
      for (const format::child& c : tg->children) {
        awaitable a = eval_child(ctx, c, path);
        if (!a.coroutine) {
          throw scenario_error{"task_group children must be scripts or coroutine expressions (" +
                               me + ", step " + path + ")"};
        }
        coros.push_back(a.coroutine);
      }
      task_group = true;
      r = co_await task_group_body(*this, ctx, std::move(coros), &tg->steps, path);
    } else {
      awaitable a = eval_expr(ctx, **s->expr, path, me, std::nullopt, false);
      std::optional<fid> f = a.future;
      decided_by.clear();
      r = co_await await_awaitable(std::move(a));
      if (!r.raised()) clause = f ? w.at(*f).decided_by : std::exchange(decided_by, std::string());
    }
    if (r.raised()) {
      w.record(me, "await_end", json_object("at", path, "outcome", exception_outcome(r.exception)),
               std::exchange(decided_by, std::string()));
      if (s->catch_exceptions) co_return nullptr;
      co_return r;
    }
    if (task_group) {
      if (r.value.is_array()) co_return r;  // a `return` step in the group's body
      r.value = nullptr;                    // the signal is not a value
    }
    w.record(me, "await_end", json_object("at", path, "outcome", json_object("result", r.value)),
             clause);
    co_return nullptr;
  }
  if (auto* s = std::get_if<format::timeout_step>(st)) {
    outcome block = co_await timeout_block(*this, ctx, s->d, &s->steps, path);
    if (block.raised()) {
      w.record(me, "block_end",
               json_object("at", path, "outcome", exception_outcome(block.exception)),
               ctx->block_clause);
      if (s->catch_exceptions) co_return nullptr;
      co_return block;
    }
    if (block.value.is_array()) co_return block;
    w.record(me, "block_end", json_object("at", path, "outcome", json_object("result", nullptr)),
             ctx->block_clause);
    co_return nullptr;
  }
  throw scenario_error{"model: unknown step"};
}

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

awaitable interpreter::eval_expr(const context_ref& ctx, const format::expression& e,
                                 const std::string& path, const std::string& exec_name,
                                 std::optional<std::string> as, bool nested) {
  if (auto* g = std::get_if<format::gather_expr>(&e)) {
    auto cs = eval_children(ctx, g->children, path);
    fid f = gather(*this, cs, g->return_exceptions);
    register_future(f, as ? *as : auto_name("gather"), as);
    return {f, nullptr};
  }
  if (auto* s = std::get_if<format::shield_expr>(&e)) {
    awaitable child = eval_child(ctx, *s->shielded, path);
    fid f = shield(*this, child);
    register_future(f, as ? *as : auto_name("shield"), as);
    return {f, nullptr};
  }
  std::optional<std::string> own = as;
  std::string ename = exec_name;
  std::string kind(format::kind_name(e));
  proc body;
  if (auto* we = std::get_if<format::wait_expr>(&e)) {
    auto cs = eval_children(ctx, we->children, path);
    burst(cs);
    body = wait(*this, std::move(cs), we->return_when, we->timeout);
  } else if (auto* wf = std::get_if<format::wait_for_expr>(&e)) {
    awaitable child = eval_child(ctx, *wf->awaited, path);
    body = wait_for(*this, std::move(child), wf->timeout);
  } else if (auto* ac = std::get_if<format::as_completed_expr>(&e)) {
    auto cs = eval_children(ctx, ac->children, path);
    burst(cs);
    if (nested) {
      if (!own) own = auto_name(kind);
      ename = *own;
    }
    body = as_completed(*this, ename, path, std::move(cs), ac->timeout, ac->form);
  } else if (auto* wa = std::get_if<format::wait_any_expr>(&e)) {
    auto cs = eval_children(ctx, wa->children, path);
    burst(cs);
    body = wait_any(*this, std::move(cs), wa->timeout);
  } else if (auto* x = std::get_if<format::task_group_expr>(&e)) {
    std::vector<coroutine_ref> coros;
    for (const format::child& c : x->children) {
      awaitable a = eval_child(ctx, c, path);
      if (!a.coroutine) {
        throw scenario_error{"task_group children must be scripts or coroutine expressions (" +
                             ctx->name + ", step " + path + ")"};
      }
      coros.push_back(a.coroutine);
    }
    if (nested) {
      if (!own) own = auto_name(kind);
      ename = *own;
    }
    auto sub = std::make_shared<script_context>();
    sub->name = ename;
    sub->catch_default = ctx->catch_default;
    body = task_group_coroutine(*this, sub, std::move(coros), &x->steps, path);
  }
  if (nested && !own) own = auto_name(kind);
  return {std::nullopt, register_coroutine(std::move(body), own.value_or(ename), as)};
}

// ---- asyncio.Event ---------------------------------------------------------------------------

proc interpreter::event_wait(std::string name) {
  if (events[name].value) co_return true;
  fid f = w.create_future();
  events[name].waiters.push_back(f);
  outcome woken = co_await w.wait(f);
  auto& ws = events[name].waiters;
  ws.erase(std::find(ws.begin(), ws.end(), f));
  if (woken.raised()) co_return woken;
  co_return true;
}

void interpreter::event_set(const std::string& name) {
  event_object& ev = events[name];
  if (ev.value) return;
  ev.value = true;
  for (fid f : ev.waiters) {
    if (!w.done(f)) w.set_result(f, true, "loop.event.wake-order");
  }
}

json encode_future_set(const interpreter& in, const std::vector<fid>& fs) {
  std::vector<std::pair<std::string, json>> items;
  for (fid f : fs) {
    json item = {{"$future", in.name_of(f)}};
    items.emplace_back(format::canonical_compact(item), item);
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (auto& [key, item] : items) out.push_back(std::move(item));
  return {{"$set", std::move(out)}};
}

}  // namespace aioconform::model
