// A stateful RapidCheck test (rc::state) of impl's event loop and combinators: random
// command sequences (create a task, advance time, cancel, gather / shield / wait over
// existing tasks) run on an impl::event_loop and, in lockstep, on a small explicit model of
// what asyncio (CPython 3.13's tasks.py) makes observable: each object's state (pending, its
// result, its exception, cancelled with which message), cancel()'s return value and the
// virtual time. After every command all objects' states must equal the model's; a failure
// shrinks to a minimal command sequence and prints the reproduce command.
//
// Timing: commands run from outside the loop, between iterations, as a callback scheduled
// with call_soon would. Every command but create_task then drains the ready queue at the
// current time, so a task created by create_task starts (and its sleep's timer is set) in
// the next command's drain, at the same virtual time: a task's deadline is its creation time
// plus its delay, and cancelling it before that drain cancels it before its first step.

#include "properties/gtest_property.h"
// (gtest_property.h first: it includes gtest before RapidCheck.)

#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/future.h"
#include "impl/gather.h"
#include "impl/outcome.h"
#include "impl/shield.h"
#include "impl/sleep.h"
#include "impl/task.h"
#include "impl/wait.h"

namespace aioconform::properties {
namespace {

using impl::loop_time;
using impl::return_when;

// ---------------------------------------------------------------------------------------
// The model

/// What a child task does: sleeps `delay`, then returns `value` or raises
/// ValueError("t<id>"); if cancelled while sleeping, re-raises, or returns -1 when it
/// `swallows` the cancellation (task.cancel.swallow).
struct child_spec {
  loop_time delay = 1;
  int value = 0;
  bool raises = false;
  bool swallows = false;
};

enum class object_kind { task, gather, shield, waiter };

/// One object the commands created, as the model sees it.
struct model_object {
  object_kind kind = object_kind::task;
  /// Observable state: "pending", "result R", "exception Type 'msg'", "cancelled 'msg'".
  std::string state = "pending";
  // task:
  child_spec spec;
  loop_time created = 0;  ///< its sleep's deadline is created + spec.delay
  bool started = false;   ///< has run its first step (in the drain after its creation)
  // gather, shield, waiter: the tasks (object ids) they were given, in argument order.
  std::vector<std::size_t> children;
  bool return_exceptions = false;                 ///< gather
  bool cancel_requested = false;                  ///< gather: _GatheringFuture._cancel_requested
  std::size_t finished = 0;                       ///< gather: its _done_callback's nfinished
  std::size_t last_finished = 0;                  ///< gather: the child seen by the latest callback
  return_when when = return_when::all_completed;  ///< waiter
  /// shield of a task done at the call: shield() returned the task itself
  /// (shield.done-shortcut), so this object is that task.
  bool alias = false;
  /// A cancelled task's saved CancelledError (Future._cancelled_exc) was handed out: the
  /// first retrieval gets it, with the cancel message; later ones get CancelledError(),
  /// since Future.cancel() without a message cleared _cancel_message (tasks.py __step).
  bool cancelled_exc_taken = false;
  /// Task._cancel_message, set by a cancel() that found its awaited future already
  /// cancelled (a child passed twice to a cancelled gather); cleared if the task ends
  /// cancelled. What _make_cancelled_error() of a task that swallowed it gives.
  std::optional<std::string> cancel_message;
  /// What the test saw at the end of the command in which the object became done (the
  /// system side keeps its first description: seeing retrieves).
  std::optional<std::string> seen;
};

/// Invariant: `objects[i]` is object i; a gather's, shield's or waiter's children are
/// tasks with smaller ids; `now` is the loop's virtual time.
struct model_state {
  loop_time now = 0;
  std::vector<model_object> objects;
};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

/// A child's outcome as an element of a return_exceptions gather's result list; a
/// cancelled task gives CancelledError(fut._cancel_message), '' for a task (see above).
std::string as_element(const std::string& state) {
  if (starts_with(state, "result ")) return state.substr(7);
  if (starts_with(state, "cancelled ")) return "CancelledError('')";
  // "exception Type 'msg'" -> "Type('msg')"
  const std::string rest = state.substr(10);
  const std::size_t space = rest.find(' ');
  return rest.substr(0, space) + "(" + rest.substr(space + 1) + ")";
}

/// Distinct children in first-occurrence order (gather.duplicates, wait.duplicates).
std::vector<std::size_t> distinct(const std::vector<std::size_t>& ids) {
  std::vector<std::size_t> out;
  for (std::size_t id : ids) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

/// The message of fut._make_cancelled_error() for finished task `id`: the saved
/// CancelledError's the first time (then it is used up), else ''; '' for a task that was
/// not cancelled (swallowed, or ended normally).
std::string take_cancelled_error_message(model_state& m, std::size_t id) {
  model_object& t = m.objects[id];
  if (!starts_with(t.state, "cancelled ")) return "'" + t.cancel_message.value_or("") + "'";
  if (t.cancelled_exc_taken) return "''";
  t.cancelled_exc_taken = true;
  return t.state.substr(10);
}

/// tasks.py gather's _done_callback for child `child` of gather `g`.
void gather_done_callback(model_state& m, std::size_t g, std::size_t child) {
  model_object& o = m.objects[g];
  ++o.finished;
  o.last_finished = child;
  if (o.state != "pending") return;
  const std::string cs = m.objects[child].state;
  if (!o.return_exceptions) {
    if (starts_with(cs, "cancelled ")) {  // gather.child-cancelled: not cancelled itself
      o.state = "exception CancelledError " + take_cancelled_error_message(m, child);
      return;
    }
    if (starts_with(cs, "exception ")) {  // gather.exception.first-propagates
      o.state = cs;
      return;
    }
  }
  if (o.finished < distinct(o.children).size()) return;
  if (o.cancel_requested) {  // gather.cancel.overrides-return-exceptions
    // `fut` there is the last child: the loop building the results rebinds it.
    o.state = "exception CancelledError " + take_cancelled_error_message(m, o.children.back());
    return;
  }
  std::string list = "[";
  for (std::size_t k = 0; k < o.children.size(); ++k) {
    const std::string& s = m.objects[o.children[k]].state;
    list += (k ? ", " : "") + (o.return_exceptions ? as_element(s) : s.substr(7));
  }
  o.state = "result " + list + "]";
}

/// shield's _inner_done_callback for shield `s` (shield.passthrough, shield.inner-cancel).
void shield_inner_done(model_state& m, std::size_t s, std::size_t inner) {
  model_object& o = m.objects[s];
  if (o.state != "pending") return;
  const std::string& is = m.objects[inner].state;
  o.state = starts_with(is, "cancelled ") ? "cancelled ''" : is;
}

/// Task `id` finishes with `state`; the done callbacks of the objects that were given it
/// run in the order they were registered (the objects' creation order).
void finish_task(model_state& m, std::size_t id, const std::string& state) {
  m.objects[id].state = state;
  for (std::size_t k = id + 1; k < m.objects.size(); ++k) {
    const model_object& o = m.objects[k];
    if (std::find(o.children.begin(), o.children.end(), id) == o.children.end()) continue;
    if (o.kind == object_kind::gather) gather_done_callback(m, k, id);
    if (o.kind == object_kind::shield && !o.alias) shield_inner_done(m, k, id);
  }
}

/// A waiter resumes once its return_when holds (tasks.py _wait's _on_completion); `done`
/// is then every child done (wait.done.membership), rendered as sorted object ids.
void resume_waiters(model_state& m) {
  for (model_object& o : m.objects) {
    if (o.kind != object_kind::waiter || o.state != "pending") continue;
    std::vector<std::size_t> done;
    bool failed = false;
    for (std::size_t c : distinct(o.children)) {
      const std::string& s = m.objects[c].state;
      if (s == "pending") continue;
      done.push_back(c);
      failed = failed || starts_with(s, "exception ");
    }
    const bool all = done.size() == distinct(o.children).size();
    const bool ready = all || (o.when == return_when::first_completed && !done.empty()) ||
                       (o.when == return_when::first_exception && failed);
    if (!ready) continue;
    std::sort(done.begin(), done.end());
    std::string set = "{";
    for (std::size_t k = 0; k < done.size(); ++k) {
      set += (k ? "," : "") + std::to_string(done[k]);
    }
    o.state = "result " + set + "}";
  }
}

/// The test looks at every object at the end of a command: what it sees of an object that
/// became done is final (the system side keeps it), and seeing a cancelled task retrieves
/// its saved CancelledError.
void observe(model_state& m) {
  for (std::size_t id = 0; id < m.objects.size(); ++id) {
    const std::size_t of = m.objects[id].alias ? m.objects[id].children[0] : id;
    const std::string state = m.objects[of].state;
    if (m.objects[id].seen || state == "pending") continue;
    m.objects[id].seen = starts_with(state, "cancelled ") && m.objects[of].kind == object_kind::task
                             ? "cancelled " + take_cancelled_error_message(m, of)
                             : state;
  }
}

/// What the test expects to see of object `id` now.
std::string expected_state(const model_object& o) {
  return o.seen.value_or("pending");
}

/// The drain that ends every command but create_task: unstarted tasks take their first
/// step, and waiters whose condition holds resume; then the test looks.
void drain(model_state& m) {
  for (model_object& o : m.objects) {
    if (o.kind == object_kind::task && o.state == "pending") o.started = true;
  }
  resume_waiters(m);
  observe(m);
}

/// How task `id` ends when cancelled with `msg`: before its first step the coroutine never
/// runs (its try block never entered); while sleeping it re-raises or swallows.
std::string cancelled_task_state(const model_object& t, const std::string& msg) {
  if (t.started && t.spec.swallows) return "result -1";
  return "cancelled '" + msg + "'";
}

/// cancel(msg) on object `id`; returns what cancel() returns.
bool cancel_object(model_state& m, std::size_t id, const std::string& msg) {
  model_object& o = m.objects[id];
  if (o.alias) return cancel_object(m, o.children[0], msg);
  if (o.state != "pending") return false;
  switch (o.kind) {
    case object_kind::task:
      finish_task(m, id, cancelled_task_state(o, msg));
      return true;
    case object_kind::waiter:
      o.state = "cancelled '" + msg + "'";  // wait.cancel.children-keep-running
      return true;
    case object_kind::shield:
      o.state = "cancelled '" + msg + "'";  // shield.outer-cancel: the child runs on
      return true;
    case object_kind::gather: {
      // _GatheringFuture.cancel: every child, in argument order (a pending child passed
      // twice says True twice); the children then end in that order.
      bool any = false;
      std::vector<std::size_t> to_finish;
      for (std::size_t c : m.objects[id].children) {
        if (m.objects[c].state != "pending") continue;
        any = true;
        if (std::find(to_finish.begin(), to_finish.end(), c) == to_finish.end()) {
          to_finish.push_back(c);
        } else {
          m.objects[c].cancel_message = msg;  // the second cancel() of a child passed twice
        }
      }
      if (any) m.objects[id].cancel_requested = true;
      for (std::size_t c : to_finish) finish_task(m, c, cancelled_task_state(m.objects[c], msg));
      return any;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// The system: impl's loop and the objects the commands made

impl::task<int> child_task(child_spec spec, std::string name) {
  bool cancelled = false;
  try {
    co_await impl::sleep(spec.delay);
  } catch (const impl::cancelled_error&) {
    if (!spec.swallows) throw;
    cancelled = true;
  }
  if (cancelled) co_return -1;
  if (spec.raises) throw impl::error("ValueError", name);
  co_return spec.value;
}

/// `await asyncio.wait(children, return_when=when)` in a task of its own, returning the
/// ids of the done set as "{i,j}".
impl::task<std::string> waiter_task(std::vector<impl::task<int>> children,
                                    std::vector<std::size_t> ids, return_when when) {
  impl::wait_result<int> r = co_await impl::wait(children, when);
  std::vector<std::size_t> done;
  for (const impl::future<int>& d : r.done) {
    for (std::size_t k = 0; k < children.size(); ++k) {
      if (children[k].base() == d.base()) {
        done.push_back(ids[k]);
        break;
      }
    }
  }
  std::sort(done.begin(), done.end());
  std::string set = "{";
  for (std::size_t k = 0; k < done.size(); ++k) set += (k ? "," : "") + std::to_string(done[k]);
  co_return set + "}";
}

std::string render(int v) {
  return std::to_string(v);
}
std::string render(const std::string& s) {
  return s;
}
std::string render(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const impl::error& err) {
    return err.type_name() + "('" + err.message() + "')";
  }
}
std::string render(const impl::outcome<int>& o) {
  return o.ok() ? render(*o.value) : render(o.exception);
}
template <class T>
std::string render(const std::vector<T>& list) {
  std::string s = "[";
  for (std::size_t k = 0; k < list.size(); ++k) s += (k ? ", " : "") + render(list[k]);
  return s + "]";
}

/// A future's observable state, in the model's notation; retrieves its outcome.
template <class T>
std::string describe(impl::future<T> f) {
  if (!f.done()) return "pending";
  try {
    return "result " + render(f.result());
  } catch (const impl::cancelled_error& e) {
    if (f.cancelled()) return "cancelled '" + e.message() + "'";
    return "exception CancelledError '" + e.message() + "'";
  } catch (const impl::error& e) {
    return "exception " + e.type_name() + " '" + e.message() + "'";
  }
}

/// An object on impl: how to describe it (its first description once done, kept) and
/// cancel it.
struct system_object {
  std::function<std::string()> describe_now;
  std::function<bool(std::string)> cancel;
  std::optional<std::string> done_description;

  std::string describe() {
    if (done_description) return *done_description;
    std::string d = describe_now();
    if (d != "pending") done_description = d;
    return d;
  }
};

/// Member order matters: the objects hold futures of `loop`, which must outlive them.
struct impl_system {
  impl::event_loop loop;
  std::vector<std::optional<impl::task<int>>> tasks;  ///< by object id; empty if not a task
  std::vector<system_object> objects;

  impl_system() {
    // Never-retrieved exceptions of abandoned objects are expected here.
    loop.set_exception_handler([](const impl::exception_context&) {});
  }
  impl_system(const impl_system&) = delete;
  impl_system& operator=(const impl_system&) = delete;
  ~impl_system() {
    // Tasks left pending wait on one another (a waiter holds its children, a child's
    // callbacks hold the waiter): cancel them to the end, as asyncio.run's shutdown does,
    // so that their frames are freed (LeakSanitizer).
    try {
      impl::cancel_all_tasks(loop);
    } catch (const impl::error&) {
    }
  }

  template <class T>
  void add(impl::future<T> f) {
    objects.push_back({[f] { return describe(f); },
                       [f](std::string msg) mutable { return f.cancel(std::move(msg)); },
                       std::nullopt});
    tasks.emplace_back();
  }

  /// Runs the callbacks ready now and those they schedule, without advancing time.
  void drain() {
    while (loop.ready_callbacks() > 0) loop.run_once();
  }

  std::vector<impl::task<int>> children(const std::vector<std::size_t>& ids) const {
    std::vector<impl::task<int>> out;
    for (std::size_t id : ids) out.push_back(*tasks[id]);
    return out;
  }
};

/// Every object's state on impl equals the model's.
void assert_states(const model_state& m, impl_system& sys) {
  RC_ASSERT(sys.loop.time() == m.now);
  RC_ASSERT(sys.objects.size() == m.objects.size());
  for (std::size_t id = 0; id < m.objects.size(); ++id) {
    const std::string expected = expected_state(m.objects[id]);
    const std::string seen = sys.objects[id].describe();
    if (seen != expected) {
      RC_FAIL("object " + std::to_string(id) + " at time " + std::to_string(m.now) + ": impl '" +
              seen + "', model '" + expected + "'");
    }
  }
}

using command = rc::state::Command<model_state, impl_system>;

std::string show_ids(const std::vector<std::size_t>& ids) {
  std::string s;
  for (std::size_t k = 0; k < ids.size(); ++k) s += (k ? "," : "") + std::to_string(ids[k]);
  return s;
}

/// Up to four existing task ids (repeats allowed), or none when there is no task.
std::vector<std::size_t> pick_tasks(const model_state& m) {
  std::vector<std::size_t> ids;
  for (std::size_t k = 0; k < m.objects.size(); ++k) {
    if (m.objects[k].kind == object_kind::task) ids.push_back(k);
  }
  if (ids.empty()) return ids;
  return *rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange<std::size_t>(1, 5),
                                                       rc::gen::elementOf(ids));
}

/// Preconditions shared by the commands that take children: each is an existing task.
void require_tasks(const model_state& m, const std::vector<std::size_t>& ids) {
  RC_PRE(!ids.empty());
  for (std::size_t id : ids) {
    // (a bool first: RC_PRE captures its expression's operands, so && would not short-circuit)
    const bool is_task = id < m.objects.size() && m.objects[id].kind == object_kind::task;
    RC_PRE(is_task);
  }
}

constexpr std::size_t max_objects = 16;

// ---------------------------------------------------------------------------------------
// The commands

/// asyncio.create_task(child(...)), not yet started.
struct create_task_command : command {
  child_spec spec;
  create_task_command() {
    spec.delay = *rc::gen::inRange<loop_time>(1, 6);
    spec.value = *rc::gen::inRange(0, 10);
    spec.raises = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
    spec.swallows = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  }
  void checkPreconditions(const model_state& m) const override {
    RC_PRE(m.objects.size() < max_objects);
  }
  void apply(model_state& m) const override {
    model_object o;
    o.spec = spec;
    o.created = m.now;
    m.objects.push_back(o);
  }
  void run(const model_state& m, impl_system& sys) const override {
    const std::string name = "t" + std::to_string(m.objects.size());
    impl::task<int> t = impl::create_task(sys.loop, child_task(spec, name));
    sys.add(static_cast<impl::future<int>>(t));
    sys.tasks.back() = t;
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override {
    os << "create_task(sleep " << spec.delay << ", "
       << (spec.raises ? "raise" : "return " + std::to_string(spec.value))
       << (spec.swallows ? ", swallows cancel" : "") << ")";
  }
};

/// Runs the loop until `delta` more time has passed (loop.timer.virtual-exact).
struct advance_time_command : command {
  loop_time delta = *rc::gen::inRange<loop_time>(1, 6);
  void apply(model_state& m) const override {
    drain(m);  // the iteration at `now` runs first: unstarted tasks start
    const loop_time target = m.now + delta;
    // Deadlines that pass, in order; equal deadlines in scheduling (= creation) order.
    std::vector<loop_time> instants;
    for (const model_object& o : m.objects) {
      const loop_time deadline = o.created + o.spec.delay;
      if (o.kind == object_kind::task && o.state == "pending" && deadline <= target) {
        instants.push_back(deadline);
      }
    }
    std::sort(instants.begin(), instants.end());
    instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
    for (loop_time at : instants) {
      m.now = at;
      for (std::size_t id = 0; id < m.objects.size(); ++id) {
        const model_object& o = m.objects[id];
        if (o.kind != object_kind::task || o.state != "pending") continue;
        if (o.created + o.spec.delay != at) continue;
        finish_task(m, id,
                    o.spec.raises ? "exception ValueError 't" + std::to_string(id) + "'"
                                  : "result " + std::to_string(o.spec.value));
      }
      resume_waiters(m);
    }
    m.now = target;
    observe(m);
  }
  void run(const model_state& m, impl_system& sys) const override {
    bool reached = false;
    sys.loop.call_at(sys.loop.time() + delta, [&reached] { reached = true; });
    while (!reached) RC_ASSERT(sys.loop.run_once());
    sys.drain();
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override { os << "advance_time(" << delta << ")"; }
};

/// obj.cancel(msg) on any object; checks cancel()'s return value.
struct cancel_command : command {
  std::size_t target = 0;
  std::string msg;
  explicit cancel_command(const model_state& m) {
    if (!m.objects.empty()) target = *rc::gen::inRange<std::size_t>(0, m.objects.size());
    msg = *rc::gen::element<std::string>("", "m1", "m2");
  }
  void checkPreconditions(const model_state& m) const override {
    RC_PRE(target < m.objects.size());
  }
  void apply(model_state& m) const override {
    cancel_object(m, target, msg);
    drain(m);
  }
  void run(const model_state& m, impl_system& sys) const override {
    model_state expected = m;
    const bool model_says = cancel_object(expected, target, msg);
    const bool impl_says = sys.objects[target].cancel(msg);
    if (impl_says != model_says) {
      RC_FAIL("cancel() of object " + std::to_string(target) + " returned " +
              (impl_says ? "True" : "False") + ", the model says " +
              (model_says ? "True" : "False"));
    }
    sys.drain();
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override { os << "cancel(" << target << ", '" << msg << "')"; }
};

/// asyncio.gather(*tasks, return_exceptions=...): a future, no task of its own.
struct gather_command : command {
  std::vector<std::size_t> children;
  bool return_exceptions = false;
  explicit gather_command(const model_state& m)
      : children(pick_tasks(m)), return_exceptions(*rc::gen::arbitrary<bool>()) {}
  void checkPreconditions(const model_state& m) const override {
    RC_PRE(m.objects.size() < max_objects);
    require_tasks(m, children);
  }
  void apply(model_state& m) const override {
    model_object o;
    o.kind = object_kind::gather;
    o.children = children;
    o.return_exceptions = return_exceptions;
    m.objects.push_back(o);
    // Children done at the call are seen at once, in argument order (gather.done-children).
    const std::size_t id = m.objects.size() - 1;
    for (std::size_t c : distinct(children)) {
      if (m.objects[c].state != "pending") gather_done_callback(m, id, c);
    }
    drain(m);
  }
  void run(const model_state& m, impl_system& sys) const override {
    if (return_exceptions) {
      sys.add(impl::gather(sys.children(children), impl::return_exceptions));
    } else {
      sys.add(impl::gather(sys.children(children)));
    }
    sys.drain();
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override {
    os << "gather(" << show_ids(children) << (return_exceptions ? ", return_exceptions" : "")
       << ")";
  }
};

/// asyncio.shield(task): a future, or the task itself if it is done.
struct shield_command : command {
  std::size_t child = 0;
  explicit shield_command(const model_state& m) {
    const std::vector<std::size_t> one = pick_tasks(m);
    if (!one.empty()) child = one.front();
  }
  void checkPreconditions(const model_state& m) const override {
    RC_PRE(m.objects.size() < max_objects);
    require_tasks(m, {child});
  }
  void apply(model_state& m) const override {
    model_object o;
    o.kind = object_kind::shield;
    o.children = {child};
    o.alias = m.objects[child].state != "pending";
    m.objects.push_back(o);
    drain(m);
  }
  void run(const model_state& m, impl_system& sys) const override {
    sys.add(impl::shield(static_cast<impl::future<int>>(*sys.tasks[child])));
    sys.drain();
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override { os << "shield(" << child << ")"; }
};

/// A task running `await asyncio.wait(tasks, return_when=...)`, returning its done set.
struct wait_command : command {
  std::vector<std::size_t> children;
  return_when when = return_when::all_completed;
  explicit wait_command(const model_state& m)
      : children(pick_tasks(m)),
        when(*rc::gen::element(return_when::all_completed, return_when::first_completed,
                               return_when::first_exception)) {}
  void checkPreconditions(const model_state& m) const override {
    RC_PRE(m.objects.size() < max_objects);
    require_tasks(m, children);
  }
  void apply(model_state& m) const override {
    model_object o;
    o.kind = object_kind::waiter;
    o.children = children;
    o.when = when;
    m.objects.push_back(o);
    drain(m);
  }
  void run(const model_state& m, impl_system& sys) const override {
    sys.add(static_cast<impl::future<std::string>>(
        impl::create_task(sys.loop, waiter_task(sys.children(children), children, when))));
    sys.drain();
    assert_states(nextState(m), sys);
  }
  void show(std::ostream& os) const override {
    static const char* const names[] = {"ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"};
    os << "wait(" << show_ids(children) << ", " << names[static_cast<int>(when)] << ")";
  }
};

}  // namespace

// impl's loop, tasks, gather, shield and wait agree with the model after every command.
AIOCONFORM_PROP(impl_stateful, loop_and_combinators_follow_the_model, ()) {
  impl_system sys;
  rc::state::check(
      model_state{}, sys,
      rc::state::gen::execOneOfWithArgs<create_task_command, advance_time_command, cancel_command,
                                        gather_command, shield_command, wait_command>());
}

}  // namespace aioconform::properties
