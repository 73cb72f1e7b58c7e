// asyncio.TaskGroup (taskgroups.py, 3.11+), per profile, as the adapter's tg_body uses it:
// create one task per child, run the body's steps, then __aexit__.

#include <memory>

#include "spec/model/combinators.h"
#include "spec/model/set_order.h"

namespace aioconform::model {
namespace {

struct group_state {
  fid parent = 0;
  bool exiting = false;
  bool aborting = false;
  bool parent_cancel_requested = false;
  std::vector<fid> tasks;  ///< insertion order; iterated in CPython's set order
  std::vector<py_exception> errors;
  std::optional<fid> on_completed_fut;
};

void abort_group(world& w, group_state& g) {
  g.aborting = true;
  // The cancel order follows the group's set of tasks: any order
  // (taskgroup.failure-cancels-siblings).
  for (fid t : w.set_order(as_python_set(w, g.tasks))) {
    if (!w.done(t)) w.cancel(t, std::nullopt, "taskgroup.failure-cancels-siblings");
  }
}

void on_task_done(world& w, const std::shared_ptr<group_state>& g, fid task) {
  std::erase(g->tasks, task);
  if (g->on_completed_fut && g->tasks.empty() && !w.done(*g->on_completed_fut)) {
    w.set_result(*g->on_completed_fut, true, "taskgroup.wait-all");
  }
  if (w.cancelled(task)) {
    if (!g->aborting) w.exercise("taskgroup.child-cancelled");
    return;  // taskgroup.child-cancelled
  }
  py_exception exc = w.exception(task);
  if (!exc) return;
  g->errors.push_back(exc);
  if (w.done(g->parent)) return;  // reported by asyncio with reprs: not modelled
  if (!g->aborting && !g->parent_cancel_requested) {
    abort_group(w, *g);
    g->parent_cancel_requested = true;
    w.cancel(g->parent, std::nullopt, "taskgroup.failure-cancels-body");
  }
}

/// TaskGroup.__repr__ of an entered group.
std::string repr(const group_state& g) {
  std::string info;
  if (!g.tasks.empty()) info += " tasks=" + std::to_string(g.tasks.size());
  if (!g.errors.empty()) info += " errors=" + std::to_string(g.errors.size());
  info += g.aborting ? " cancelling" : " entered";
  return "<TaskGroup" + info + ">";
}

py_exception exception_group(std::vector<py_exception> errors) {
  std::string message = "unhandled errors in a TaskGroup (" + std::to_string(errors.size()) +
                        " sub-exception" + (errors.size() == 1 ? "" : "s") + ")";
  return make_exception("ExceptionGroup", std::move(message), std::move(errors));
}

}  // namespace

// All children's errors are grouped, in completion order (taskgroup.exception-group.multiple);
// errors win over a parent cancellation (taskgroup.parent-cancel.errors-win); an empty group exits
// at once (taskgroup.empty).
proc task_group_body(interpreter& in, context_ref ctx, std::vector<coroutine_ref> coros,
                     const std::vector<format::step>* steps, std::string path) {
  world& w = in.w;
  auto g = std::make_shared<group_state>();
  g->parent = *w.current_task();  // __aenter__
  // The body's step_signal, or what it (or a tg.create_task) raised.
  outcome body;
  for (const coroutine_ref& c : coros) {
    // tg.create_task (taskgroup.children.start)
    if (g->aborting) {
      // taskgroup.eager-failure: an eager child failed while the group was being filled
      body.exception =
          make_exception("RuntimeError", "TaskGroup " + repr(*g) + " is shutting down");
      break;
    }
    w.exercise("taskgroup.children.start");
    fid t = in.create_task(c);
    if (w.at_least(12) && w.done(t)) {
      if (!w.cancelled(t) && w.at(t).exception) w.exercise("taskgroup.eager-failure");
      on_task_done(w, g, t);  // taskgroup.eager-failure
    } else {
      g->tasks.push_back(t);
      w.add_done_callback(t, [&w, g](fid f) { on_task_done(w, g, f); });
    }
  }
  if (!body.raised()) body = co_await in.run_steps(ctx, steps, path + ".");
  const py_exception exc = body.exception;

  // __aexit__(et, exc, tb)
  g->exiting = true;
  const bool et_cancelled = exc && is_cancelled_error(exc);
  py_exception propagate_cancellation_error = et_cancelled ? exc : nullptr;
  if (!w.at_least(13) && g->parent_cancel_requested) {
    w.exercise("taskgroup.uncancel");
    if (w.uncancel(g->parent) == 0) propagate_cancellation_error = nullptr;  // taskgroup.uncancel
  }
  if (exc && !et_cancelled) w.exercise("taskgroup.body-raises");
  if (exc && !g->aborting) abort_group(w, *g);  // taskgroup.body-raises
  while (!g->tasks.empty()) {
    if (!g->on_completed_fut) g->on_completed_fut = w.create_future();
    if (g->aborting) w.exercise("taskgroup.waits-for-cancelled-children");
    // taskgroup.waits-for-cancelled-children
    outcome woken = co_await w.wait(*g->on_completed_fut);
    if (woken.raised()) {
      if (!is_cancelled_error(woken.exception)) co_return woken;
      if (!g->aborting) {
        propagate_cancellation_error = woken.exception;  // taskgroup.parent-cancel
        abort_group(w, *g);
      }
    }
    g->on_completed_fut.reset();
  }
  if (w.at_least(13) && g->parent_cancel_requested) {
    w.exercise("taskgroup.uncancel");
    if (w.uncancel(g->parent) == 0) propagate_cancellation_error = nullptr;  // taskgroup.uncancel
  }
  if (propagate_cancellation_error && g->errors.empty()) {
    in.decide("taskgroup.parent-cancel");
    co_return py_raise{propagate_cancellation_error};
  }
  if (exc && !et_cancelled) g->errors.push_back(exc);
  if (!g->errors.empty()) {
    if (g->errors.size() > 1) w.exercise("taskgroup.exception-group.multiple");
    if (propagate_cancellation_error) {
      // Cancelled from outside, yet errors win; 3.11-3.12 consume the outside cancellation
      // (taskgroup.parent-cancel.errors-win, taskgroup.parent-cancel.recancel).
      w.exercise("taskgroup.parent-cancel.errors-win");
      if (!w.at_least(13)) w.exercise("taskgroup.parent-cancel.recancel");
    }
    if (w.at_least(13) && w.cancelling(g->parent) > 0) {
      w.exercise("taskgroup.parent-cancel.recancel");
      w.uncancel(g->parent);  // taskgroup.parent-cancel.recancel
      w.cancel(g->parent, std::nullopt, "taskgroup.parent-cancel.recancel");
    }
    in.decide("taskgroup.exception-group");
    co_return py_raise{exception_group(std::move(g->errors))};
  }
  if (coros.empty()) w.exercise("taskgroup.empty");
  in.decide("taskgroup.wait-all");
  co_return std::move(body.value);
}

}  // namespace aioconform::model
