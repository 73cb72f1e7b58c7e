#include "properties/scenario_generators.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <utility>

#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "properties/draft.h"
#include "spec/model/check.h"

namespace aioconform::properties {
namespace {

using json = nlohmann::json;
using rc::Gen;
namespace gen = rc::gen;

/// A draft object, written like a nlohmann::json one: object({{"op", "sleep"}, {"d", d}}).
draft object(std::initializer_list<draft::field> fields) {
  return draft::object(fields);
}

// ---- sizes (the brief: main <= ~8 steps, <= 4 scripts, nesting <= 3, durations <= 5) ----

constexpr int max_main_steps = 8;
constexpr int max_script_steps = 4;
constexpr int max_block_steps = 3;
constexpr int max_children = 3;
constexpr int max_scripts = 4;
/// Expressions and blocks inside a top-level step.
constexpr int max_nesting = 3;

/// A shrinkable whose value is computed once. RapidCheck computes a value again each time
/// it is asked for (a `map` maps again, a `oneOf` generates its choice again), and
/// gen::nonEmpty asks twice: once to test it, once for the parent. Same values, same shrinks.
class memo_shrinkable {
 public:
  explicit memo_shrinkable(rc::Shrinkable<draft> inner) : inner_(std::move(inner)) {}
  draft value() const {
    if (!value_) value_ = inner_.value();
    return *value_;
  }
  rc::Seq<rc::Shrinkable<draft>> shrinks() const {
    return rc::seq::map(inner_.shrinks(), [](rc::Shrinkable<draft>&& s) {
      return rc::makeShrinkable<memo_shrinkable>(std::move(s));
    });
  }

 private:
  rc::Shrinkable<draft> inner_;
  mutable std::optional<draft> value_;
};

/// `g`, its values computed once per shrinkable.
Gen<draft> memoized(Gen<draft> g) {
  return Gen<draft>([g = std::move(g)](const rc::Random& random, int size) {
    return rc::makeShrinkable<memo_shrinkable>(g(random, size));
  });
}

/// A list of at most `max` elements; shrinks by removing elements.
Gen<draft> gen_list(Gen<draft> element, int max) {
  return gen::map(gen::resize(max, gen::container<std::vector<draft>>(std::move(element))),
                  [max](std::vector<draft> v) {
                    if (v.size() > static_cast<std::size_t>(max)) v.resize(max);
                    return draft::array(std::move(v));
                  });
}

/// `build(k)` for each k in [0, count). gen::lazy and gen::mapcat build their generator
/// again for every value they make, and building one allocates its whole tree of
/// combinators; a generator is immutable, so the ones built here are shared instead.
template <typename Build>
std::vector<Gen<draft>> build_each(int count, Build build) {
  std::vector<Gen<draft>> gens;
  for (int k = 0; k < count; ++k) gens.push_back(build(k));
  return gens;
}

/// A reference to be resolved by `realize` (modulo what is available there).
Gen<draft> gen_ref() {
  return gen::map(gen::inRange(0, 8), [](int r) { return draft(r); });
}

/// Durations 0..5, biased to 0 (a plain yield) and to a few small values so that deadlines
/// tie often (loop.timer.equal-deadline: the model's open choices).
Gen<draft> gen_duration() {
  return gen::map(gen::weightedElement<int>({{3, 0}, {4, 1}, {3, 2}, {1, 3}, {1, 5}}),
                  [](int d) { return draft(d); });
}

/// A timeout: null (none), 0, or a small duration.
Gen<draft> gen_optional_duration() {
  return gen::weightedOneOf<draft>({{1, gen::just(draft())}, {3, gen_duration()}});
}

Gen<draft> gen_value() {
  return gen::weightedOneOf<draft>({
      {3, gen::just(draft())},
      {3, gen::map(gen::inRange(0, 4), [](int i) { return draft(i); })},
      {2,
       gen::map(gen::element<std::string>("a", "b", ""), [](std::string s) { return draft(s); })},
      {1, gen::map(gen::arbitrary<bool>(), [](bool b) { return draft(b); })},
      {1, gen::map(gen::pair(gen::inRange(0, 3), gen::element<std::string>("x", "y")),
                   [](std::pair<int, std::string> p) {
                     return draft::array({p.first, p.second});
                   })},
  });
}

/// Built-in exception types (scenario.md), CancelledError included, and the declared one.
Gen<std::string> gen_exception_type() {
  return gen::weightedElement<std::string>({{4, "ValueError"},
                                            {1, "Exception"},
                                            {1, "TypeError"},
                                            {1, "KeyError"},
                                            {1, "RuntimeError"},
                                            {1, "ZeroDivisionError"},
                                            {1, "OSError"},
                                            {1, "LookupError"},
                                            {1, "ArithmeticError"},
                                            {1, "TimeoutError"},
                                            {2, "CancelledError"},
                                            {2, "MyError"}});
}

Gen<std::string> gen_message() {
  return gen::element<std::string>("", "boom", "x");
}

Gen<draft> gen_catch() {
  return gen::element(draft(), draft(true), draft(false));
}

Gen<draft> gen_on_cancel() {
  return gen::weightedOneOf<draft>({
      {4, gen::just(draft())},
      {1, gen::just(object({{"kind", "propagate"}}))},
      {2, gen::map(gen_value(),
                   [](draft v) {
                     return object({{"kind", "swallow"}, {"value", v}});
                   })},
      {2, gen::map(gen_duration(),
                   [](draft d) {
                     return object({{"kind", "cleanup"}, {"d", d}});
                   })},
      {2, gen::apply(
              [](std::string t, std::string m) {
                return object({{"kind", "raise"}, {"type", t}, {"message", m}});
              },
              gen_exception_type(), gen_message())},
  });
}

Gen<draft> gen_expr(int depth);
Gen<draft> gen_future_expr(int depth);
Gen<draft> gen_steps(int depth, int max, bool main);

/// gen_expr(depth), built once (build_each); lazy in the generators that nest it.
Gen<draft> shared_expr(int depth) {
  static const std::vector<Gen<draft>> gens = build_each(max_nesting, gen_expr);
  return gens.at(static_cast<std::size_t>(depth));
}

/// gen_future_expr(depth), built once.
Gen<draft> shared_future_expr(int depth) {
  static const std::vector<Gen<draft>> gens = build_each(max_nesting, gen_future_expr);
  return gens.at(static_cast<std::size_t>(depth));
}

/// gen_steps(depth, max_block_steps, main): a block's steps, built once.
Gen<draft> shared_block_steps(int depth, bool main) {
  static const std::vector<Gen<draft>> gens = build_each(
      2 * max_nesting, [](int k) { return gen_steps(k / 2, max_block_steps, k % 2 == 1); });
  return gens.at(static_cast<std::size_t>(2 * depth + (main ? 1 : 0)));
}

/// A child: a script (often), a bound task (duplicates come from equal references), or a
/// nested expression while depth allows.
Gen<draft> gen_child(int depth) {
  return gen::weightedOneOf<draft>({
      {5, gen::apply(
              [](int s, bool as) {
                return object({{"script", s}, {"as", as}});
              },
              gen::inRange(0, 8), gen::arbitrary<bool>())},
      {3, gen::map(gen_ref(),
                   [](draft r) {
                     return object({{"task", r}});
                   })},
      // Nested expressions while depth allows (lazy: only built when picked).
      {depth > 0 ? 1u : 0u,
       gen::apply(
           [](draft e, bool as) {
             return object({{"expr", e}, {"as", as}});
           },
           gen::lazy([depth] { return shared_expr(depth - 1); }), gen::arbitrary<bool>())},
  });
}

/// Children: rarely none (gather, as_completed and TaskGroup accept that; wait and wait_any
/// raise ValueError), usually one to three.
Gen<draft> gen_children(int depth) {
  return gen::weightedOneOf<draft>(
      {{1, gen::just(draft::array())},
       {9, gen::nonEmpty(memoized(gen_list(gen_child(depth), max_children)))}});
}

/// An expression of any kind, children at `depth` (0: no nested expressions).
Gen<draft> gen_expr(int depth) {
  return gen::weightedOneOf<draft>({
      {4, gen::apply(
              [](draft cs, bool re) {
                return object({{"kind", "gather"}, {"children", cs}, {"return_exceptions", re}});
              },
              gen_children(depth), gen::arbitrary<bool>())},
      {3, gen::apply(
              [](draft cs, std::string rw, draft to) {
                return object(
                    {{"kind", "wait"}, {"children", cs}, {"return_when", rw}, {"timeout", to}});
              },
              gen_children(depth),
              gen::element<std::string>("ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"),
              gen_optional_duration())},
      {3, gen::apply(
              [](draft cs, draft to, bool async_for) {
                return object({{"kind", "as_completed"},
                               {"children", cs},
                               {"timeout", to},
                               {"form", async_for ? "async_for" : "for"}});
              },
              gen_children(depth), gen_optional_duration(), gen::arbitrary<bool>())},
      {3, gen::apply(
              [](draft c, draft to) {
                return object(
                    {{"kind", "wait_for"}, {"children", draft::array({c})}, {"timeout", to}});
              },
              gen_child(depth), gen_optional_duration())},
      {2, gen::map(gen_child(depth),
                   [](draft c) {
                     return object({{"kind", "shield"}, {"children", draft::array({c})}});
                   })},
      {3,
       gen::apply(
           [](draft cs, draft steps) {
             return object({{"kind", "task_group"}, {"children", cs}, {"steps", steps}});
           },
           gen_children(depth), gen::lazy([depth] { return shared_block_steps(depth, false); }))},
      {2, gen::apply(
              [](draft cs, draft to) {
                return object({{"kind", "wait_any"}, {"children", cs}, {"timeout", to}});
              },
              gen_children(depth), gen_optional_duration())},
  });
}

/// A `future` step's expression: gather or shield.
Gen<draft> gen_future_expr(int depth) {
  return gen::weightedOneOf<draft>({
      {3, gen::apply(
              [](draft cs, bool re) {
                return object({{"kind", "gather"}, {"children", cs}, {"return_exceptions", re}});
              },
              gen_children(depth), gen::arbitrary<bool>())},
      {1, gen::map(gen_child(depth),
                   [](draft c) {
                     return object({{"kind", "shield"}, {"children", draft::array({c})}});
                   })},
  });
}

/// One step. `depth` is how many more levels of expressions/blocks may nest below it;
/// `main` weighs the handle-using steps up (realize drops them elsewhere anyway).
Gen<draft> gen_step(int depth, bool main) {
  const std::size_t handle_weight = main ? 5 : 0;
  const std::size_t nest = depth > 0 ? 1 : 0;
  const int below = depth > 0 ? depth - 1 : 0;
  return gen::weightedOneOf<draft>({
      {5, gen::map(gen_duration(),
                   [](draft d) {
                     return object({{"op", "sleep"}, {"d", d}});
                   })},
      {2, gen::map(gen_value(),
                   [](draft v) {
                     return object({{"op", "return"}, {"value", v}});
                   })},
      {2, gen::apply(
              [](std::string t, std::string m) {
                return object({{"op", "raise"}, {"type", t}, {"message", m}});
              },
              gen_exception_type(), gen_message())},
      // Rarely, and only outside main: a hanging main hangs the whole run, which then
      // shows little else (a child that hangs is still cancelled by shutdown).
      {main ? 0u : 1u, gen::just(object({{"op", "hang"}}))},
      {handle_weight, gen::map(gen::inRange(0, 8),
                               [](int s) {
                                 return object({{"op", "create_task"}, {"script", s}});
                               })},
      {handle_weight * nest, gen::map(gen::lazy([below] { return shared_expr(below); }),
                                      [](draft e) {
                                        return object({{"op", "create_task"}, {"expr", e}});
                                      })},
      {(handle_weight / 2) * nest,
       gen::map(gen::lazy([below] { return shared_future_expr(below); }),
                [](draft e) {
                  return object({{"op", "future"}, {"expr", e}});
                })},
      {handle_weight, gen::apply(
                          [](draft r, draft msg) {
                            return object({{"op", "cancel"}, {"target", r}, {"msg", msg}});
                          },
                          gen_ref(), gen::element(draft(), draft(), draft("m"), draft("bye")))},
      {handle_weight, gen::apply(
                          [](draft r, draft c) {
                            return object({{"op", "await"}, {"target", r}, {"catch", c}});
                          },
                          gen_ref(), gen_catch())},
      {6 * nest, gen::apply(
                     [](draft e, draft c) {
                       return object({{"op", "await"}, {"expr", e}, {"catch", c}});
                     },
                     gen::lazy([below] { return shared_expr(below); }), gen_catch())},
      {2 * nest, gen::apply(
                     [](draft d, draft steps, draft c) {
                       return object({{"op", "timeout"}, {"d", d}, {"steps", steps}, {"catch", c}});
                     },
                     gen_optional_duration(),
                     gen::lazy([below, main] { return shared_block_steps(below, main); }),
                     gen_catch())},
      // Events weigh 2: with a third of the drafts uniform, 1 left loop.event.wake-order
      // (several waiters, then a set) unreached.
      {2, gen::map(gen::inRange(0, 2),
                   [](int e) {
                     return object({{"op", "event_wait"}, {"event", e}});
                   })},
      {2, gen::map(gen::inRange(0, 2),
                   [](int e) {
                     return object({{"op", "event_set"}, {"event", e}});
                   })},
      {handle_weight / 2, gen::map(gen_ref(),
                                   [](draft r) {
                                     return object({{"op", "state"}, {"target", r}});
                                   })},
  });
}

Gen<draft> gen_steps(int depth, int max, bool main) {
  return gen_list(gen_step(depth, main), max);
}

Gen<draft> gen_script(int max_steps, bool main) {
  return gen::apply(
      [](draft steps, draft oc) {
        return object({{"steps", steps}, {"on_cancel", oc}});
      },
      gen::nonEmpty(memoized(gen_steps(max_nesting, max_steps, main))), gen_on_cancel());
}

/// A scenario of any shape: random scripts (at most max_scripts) and a random main.
Gen<draft> gen_uniform_draft() {
  return gen::apply(
      [](std::vector<draft> scripts, draft main, bool respect) {
        return object({{"scripts", draft::array(std::move(scripts))},
                       {"main", main},
                       {"respect_features", respect}});
      },
      gen::map(gen::resize(max_scripts,
                           gen::container<std::vector<draft>>(gen_script(max_script_steps, false))),
               [](std::vector<draft> v) {
                 if (v.size() > static_cast<std::size_t>(max_scripts)) v.resize(max_scripts);
                 return v;
               }),
      gen_script(max_main_steps, true), gen::weightedElement<bool>({{7, true}, {1, false}}));
}

// ---- focused shapes -----------------------------------------------------------------------
//
// Uniform random programs rarely line up the moments where combinators differ: children
// ending at different instants while the combinator's result is observed in between,
// cancellations landing exactly at a child's end, a failure or a cancellation racing a
// timeout, a cancellation swallowed inside a timeout block (issue 6: "biased toward the
// interesting cases: equal deadlines, failures and cancellations near combinator
// boundaries, nested combinators, swallowed cancellation"). These drafts build such shapes
// on purpose: 1..3 child scripts that each sleep 0..4 units (so ends tie about one time in
// five, and differ otherwise) and then return, raise, raise CancelledError or hang; main
// starts them as tasks and hands them to one combinator, directly, through a task it then
// cancels, through a gather or shield future it cancels, or inside a timeout block whose
// body swallows the cancellation; then it looks at them afterwards (state, cancel on done
// tasks, await, sleep) or leaves them, so that reports are made or not. They are drafts
// like any other, realized and shrunk the same way; nesting stays with the uniform drafts.

/// How a focused child script ends.
Gen<draft> gen_child_end() {
  return gen::weightedOneOf<draft>({
      {3, gen::map(gen_value(),
                   [](draft v) {
                     return object({{"op", "return"}, {"value", v}});
                   })},
      {4, gen::apply(
              [](std::string t, std::string m) {
                return object({{"op", "raise"}, {"type", t}, {"message", m}});
              },
              gen::element<std::string>("ValueError", "MyError", "KeyError"), gen_message())},
      {3, gen::just(object({{"op", "raise"}, {"type", "CancelledError"}, {"message", ""}}))},
      {1, gen::just(object({{"op", "hang"}}))},
      // Children that wait for one another: one waits on an event (then returns) that
      // another sets.
      {2, gen::just(object({{"op", "event_wait"}, {"event", 0}}))},
      {2, gen::just(object({{"op", "event_set"}, {"event", 0}}))},
  });
}

draft return_step(const draft& value) {
  return object({{"op", "return"}, {"value", value}});
}

/// A child script: sleep 0..4 (uniform, so that ends differ or tie), then its end.
Gen<draft> gen_timed_script() {
  return gen::apply(
      [](int d, draft end, draft oc) {
        std::vector<draft> steps = {object({{"op", "sleep"}, {"d", d}}), end};
        if (end.at("op").is_string("event_wait")) steps.push_back(return_step(1));
        return object({{"steps", draft::array(std::move(steps))}, {"on_cancel", std::move(oc)}});
      },
      gen::inRange(0, 5), gen_child_end(), gen_on_cancel());
}

/// Script n of a focused draft: a child that fails after main's early steps (2..4 units),
/// for the shapes where nobody is left to retrieve its exception; cancelled before that,
/// it lets the CancelledError out or raises instead (a failure on cancellation).
Gen<draft> gen_late_failure() {
  return gen::apply(
      [](int d, std::string t, bool raise_on_cancel) {
        return object(
            {{"steps", draft::array({object({{"op", "sleep"}, {"d", d}}),
                                     object({{"op", "raise"}, {"type", t}, {"message", ""}})})},
             {"on_cancel",
              raise_on_cancel
                  ? object({{"kind", "raise"}, {"type", "ValueError"}, {"message", "on-cancel"}})
                  : draft()}});
      },
      gen::inRange(2, 5), gen::element<std::string>("ValueError", "MyError"),
      gen::arbitrary<bool>());
}

/// An instant 0..4 for main's own sleeps and the combinators' timeouts.
Gen<draft> gen_instant() {
  return gen::map(gen::inRange(0, 5), [](int d) { return draft(d); });
}

Gen<draft> gen_focused_timeout() {
  return gen::weightedOneOf<draft>({{1, gen::just(draft())}, {3, gen_instant()}});
}

/// The children of a combinator over the tasks 0..n-1: usually each once in order,
/// sometimes a reordered, shortened or duplicated list.
Gen<draft> gen_task_children(int n) {
  std::vector<draft> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(object({{"task", i}}));
  const draft all = draft::array(std::move(tasks));
  return gen::weightedOneOf<draft>(
      {{3, gen::just(all)},
       {1,
        gen::map(gen::container<std::vector<int>>(static_cast<std::size_t>(n), gen::inRange(0, n)),
                 [](const std::vector<int>& refs) {
                   std::vector<draft> out;
                   for (int r : refs) out.push_back(object({{"task", r}}));
                   return draft::array(std::move(out));
                 })}});
}

/// One combinator over the tasks 0..n-1 (TaskGroup takes the scripts themselves); `wait`
/// weighs asyncio.wait against the six others (gather 6, the rest 2): its return_when and timeout
/// decide the most moments.
Gen<draft> gen_focused_expr(int n, std::size_t wait = 10) {
  std::vector<draft> children;
  for (int i = 0; i < n; ++i) children.push_back(object({{"script", i}, {"as", false}}));
  const draft scripts = draft::array(std::move(children));
  return gen::weightedOneOf<draft>({
      {wait, gen::apply(
                 [](draft cs, std::string rw, draft to) {
                   return object(
                       {{"kind", "wait"}, {"children", cs}, {"return_when", rw}, {"timeout", to}});
                 },
                 gen_task_children(n),
                 gen::weightedElement<std::string>(
                     {{1, "ALL_COMPLETED"}, {2, "FIRST_COMPLETED"}, {3, "FIRST_EXCEPTION"}}),
                 gen_focused_timeout())},
      {2, gen::apply(
              [](draft cs, draft to) {
                return object({{"kind", "wait_any"}, {"children", cs}, {"timeout", to}});
              },
              gen_task_children(n), gen_focused_timeout())},
      {6, gen::apply(
              [](draft cs, bool re) {
                return object({{"kind", "gather"}, {"children", cs}, {"return_exceptions", re}});
              },
              gen_task_children(n), gen::arbitrary<bool>())},
      {2, gen::apply(
              [](draft cs, draft to, bool async_for) {
                return object({{"kind", "as_completed"},
                               {"children", cs},
                               {"timeout", to},
                               {"form", async_for ? "async_for" : "for"}});
              },
              gen_task_children(n), gen_focused_timeout(), gen::arbitrary<bool>())},
      // Sometimes through a shield, whose outer future the timeout cancels at once
      // (shield.with-wait_for).
      {2, gen::apply(
              [](int c, draft to, bool shielded) {
                draft child = object({{"task", c}});
                if (shielded) {
                  child = object(
                      {{"expr", object({{"kind", "shield"}, {"children", draft::array({child})}})},
                       {"as", false}});
                }
                return object({{"kind", "wait_for"},
                               {"children", draft::array({std::move(child)})},
                               {"timeout", to}});
              },
              gen::inRange(0, n), gen_focused_timeout(),
              gen::weightedElement<bool>({{3, false}, {1, true}}))},
      {2, gen::map(gen::inRange(0, n),
                   [](int c) {
                     return object(
                         {{"kind", "shield"}, {"children", draft::array({object({{"task", c}})})}});
                   })},
      {2, gen::map(gen_instant(),
                   [scripts](draft d) {
                     return object(
                         {{"kind", "task_group"},
                          {"children", scripts},
                          {"steps", draft::array({object({{"op", "sleep"}, {"d", d}})})}});
                   })},
  });
}

/// What main does once the combinator is under way or over, naming handles 0..n-1: look
/// at a task, cancel it (done or not), await it, or let time pass.
Gen<draft> gen_focused_tail(int n) {
  const Gen<draft> ref = gen::map(gen::inRange(0, n), [](int r) { return draft(r); });
  return gen::map(gen::container<std::vector<draft>>(gen::weightedOneOf<draft>({
                      {3, gen::map(gen_instant(),
                                   [](draft d) {
                                     return object({{"op", "sleep"}, {"d", d}});
                                   })},
                      {2, gen::map(ref,
                                   [](draft r) {
                                     return object({{"op", "state"}, {"target", r}});
                                   })},
                      {2, gen::map(
                              ref,
                              [](draft r) {
                                return object({{"op", "cancel"}, {"target", r}, {"msg", nullptr}});
                              })},
                      {2,
                       gen::map(ref,
                                [](draft r) {
                                  return object({{"op", "await"}, {"target", r}, {"catch", true}});
                                })},
                  })),
                  [](std::vector<draft> v) {
                    if (v.size() > 3) v.resize(3);
                    return draft::array(std::move(v));
                  });
}

/// null `none_weight` times in none_weight + 1, else a value of `g`.
Gen<draft> sometimes(std::size_t none_weight, Gen<int> g) {
  return gen::weightedOneOf<draft>({{none_weight, gen::just(draft())},
                                    {1, gen::map(std::move(g), [](int x) { return draft(x); })}});
}

draft sleep_step(const draft& d) {
  return object({{"op", "sleep"}, {"d", d}});
}

draft cancel_step(int target, const draft& msg) {
  return object({{"op", "cancel"}, {"target", target}, {"msg", msg}});
}

draft concat(std::vector<draft> a, const draft& b) {
  a.insert(a.end(), b.items().begin(), b.items().end());
  return draft::array(std::move(a));
}

/// Appends the items of the array `b` to `a`.
void append(std::vector<draft>& a, const draft& b) {
  a.insert(a.end(), b.items().begin(), b.items().end());
}

/// main's steps around the children tasks 0..n-1 (created first).
Gen<draft> gen_focused_main(int n) {
  std::vector<draft> start;
  for (int i = 0; i < n; ++i) start.push_back(object({{"op", "create_task"}, {"script", i}}));
  const Gen<draft> msg = gen::element(draft(), draft("m"));
  return gen::weightedOneOf<draft>({
      // Awaited directly, perhaps after time passed or a child was cancelled.
      {6,
       gen::apply(
           [start](draft pause, draft cancel, draft e, draft c, draft tail, bool linger) {
             std::vector<draft> steps = start;
             if (!pause.is_null()) steps.push_back(sleep_step(pause));
             if (!cancel.is_null()) steps.push_back(cancel_step(cancel.as_int(), nullptr));
             steps.push_back(object({{"op", "await"}, {"expr", std::move(e)}, {"catch", c}}));
             append(steps, tail);
             // Half the time main outlives every child, so that what keeps running (or
             // was cancelled) shows before asyncio.run's shutdown cancels the rest.
             if (linger) steps.push_back(sleep_step(5));
             return draft::array(std::move(steps));
           },
           sometimes(2, gen::inRange(0, 3)), sometimes(2, gen::inRange(0, n)),
           gen_focused_expr(n, 20), gen::weightedElement<draft>({{3, draft(true)}, {1, draft()}}),
           gen_focused_tail(n), gen::arbitrary<bool>())},
      // Awaited by a task that main cancels at some instant.
      {3, gen::apply(
              [start, n](draft e, draft d, draft m, draft tail) {
                std::vector<draft> steps = start;
                steps.push_back(object({{"op", "create_task"}, {"expr", std::move(e)}}));
                steps.push_back(sleep_step(d));
                steps.push_back(cancel_step(n, m));
                return concat(std::move(steps), tail);
              },
              gen_focused_expr(n, 4), gen_instant(), msg, gen_focused_tail(n + 1))},
      // A gather future over fresh children (handles 0..n-1, the future n), cancelled at
      // some instant, or one of its children is.
      {3, gen::apply(
              [n](bool re, draft d, int target, draft m, draft tail) {
                std::vector<draft> children;
                for (int i = 0; i < n; ++i)
                  children.push_back(object({{"script", i}, {"as", true}}));
                draft e = object({{"kind", "gather"},
                                  {"children", draft::array(std::move(children))},
                                  {"return_exceptions", re}});
                std::vector<draft> steps = {object({{"op", "future"}, {"expr", std::move(e)}})};
                steps.push_back(sleep_step(d));
                steps.push_back(cancel_step(target < 0 ? n : target % n, m));
                append(steps, tail);
                steps.push_back(sleep_step(5));  // main outlives the children
                return draft::array(std::move(steps));
              },
              gen::arbitrary<bool>(), gen_instant(),
              gen::weightedElement<int>({{3, -1}, {1, 0}, {1, 1}}), msg, gen_focused_tail(n + 1))},
      // A shield future over a fresh child (handle 0, the future 1): the shield cancelled
      // early (the child keeps running, and fails unseen when it is the late failure,
      // script n), or the child is.
      {3, gen::apply(
              [n](bool late, draft d, int target, draft m, draft tail) {
                draft e =
                    object({{"kind", "shield"},
                            {"children",
                             draft::array({object({{"script", late ? n : 0}, {"as", true}})})}});
                std::vector<draft> steps = {object({{"op", "future"}, {"expr", std::move(e)}})};
                steps.push_back(sleep_step(d));
                steps.push_back(cancel_step(target, m));
                append(steps, tail);
                // main outlives the child: asyncio.run would cancel it at shutdown.
                steps.push_back(sleep_step(4));
                return draft::array(std::move(steps));
              },
              gen::weightedElement<bool>({{2, true}, {1, false}}),
              gen::map(gen::inRange(0, 2), [](int d) { return draft(d); }),
              gen::weightedElement<int>({{3, 1}, {1, 0}}), msg, gen_focused_tail(2))},
      // A TaskGroup over the late failure and the children inside a timeout that expires
      // first: the group is cancelled from outside while a child may fail on cancellation
      // (3.13 re-cancels the parent then), and the body goes on after catching.
      {1, gen::apply(
              [n](draft d, draft next) {
                std::vector<draft> children = {object({{"script", n}, {"as", false}})};
                for (int i = 0; i < n; ++i)
                  children.push_back(object({{"script", i}, {"as", false}}));
                draft tg = object({{"kind", "task_group"},
                                   {"children", draft::array(std::move(children))},
                                   {"steps", draft::array({sleep_step(1)})}});
                draft body = draft::array(
                    {object({{"op", "await"}, {"expr", std::move(tg)}, {"catch", true}}), next});
                return draft::array(
                    {object({{"op", "timeout"}, {"d", d}, {"steps", body}, {"catch", true}}),
                     sleep_step(1)});
              },
              gen::map(gen::inRange(0, 2), [](int d) { return draft(d); }),
              gen::element(sleep_step(1), object({{"op", "return"}, {"value", 0}})))},
      // A TaskGroup whose first child fails without suspending (wait of nothing raises
      // ValueError): with the eager factory inside create_task, which cancels main while it
      // runs; main catches the group and returns at once (3.12: task.cancel.self-then-return)
      // or sleeps (3.12's stale cancellation, task.uncancel.clears-pending).
      {1,
       gen::map(gen::element(object({{"op", "return"}, {"value", 0}}), sleep_step(1)),
                [](draft next) {
                  draft fails = object({{"expr", object({{"kind", "wait"},
                                                         {"children", draft::array()},
                                                         {"return_when", "ALL_COMPLETED"},
                                                         {"timeout", nullptr}})},
                                        {"as", false}});
                  draft tg = object(
                      {{"kind", "task_group"},
                       {"children", draft::array({fails, object({{"script", 0}, {"as", false}})})},
                       {"steps", draft::array()}});
                  return draft::array(
                      {object({{"op", "await"}, {"expr", std::move(tg)}, {"catch", true}}), next});
                })},
      // Inside a timeout block whose body swallows the cancellation (catch), then goes on:
      // sleeps, returns, or enters another timeout with the cancel count still raised.
      {2, gen::apply(
              [start](draft e, draft d, draft next, draft tail) {
                draft body = draft::array(
                    {object({{"op", "await"}, {"expr", std::move(e)}, {"catch", true}}),
                     std::move(next)});
                std::vector<draft> steps = start;
                steps.push_back(
                    object({{"op", "timeout"}, {"d", d}, {"steps", body}, {"catch", true}}));
                return concat(std::move(steps), tail);
              },
              gen_focused_expr(n), gen_instant(),
              gen::weightedOneOf<draft>({
                  {1, gen::map(gen_instant(), [](draft d) { return sleep_step(d); })},
                  {1, gen::just(object({{"op", "return"}, {"value", 0}}))},
                  {2, gen::apply(
                          [](draft d, draft s) {
                            return object({{"op", "timeout"},
                                           {"d", d},
                                           {"steps", draft::array({sleep_step(s)})},
                                           {"catch", true}});
                          },
                          gen_instant(), gen_instant())},
              }),
              gen_focused_tail(n))},
  });
}

/// A focused draft over n children.
Gen<draft> gen_focused_draft(int n) {
  return gen::apply(
      [](std::vector<draft> scripts, draft steps) {
        return object({{"scripts", draft::array(std::move(scripts))},
                       {"main", object({{"steps", std::move(steps)}, {"on_cancel", nullptr}})},
                       {"respect_features", true}});
      },
      gen::apply(
          [](std::vector<draft> scripts, draft late) {
            scripts.push_back(std::move(late));
            return scripts;
          },
          gen::container<std::vector<draft>>(static_cast<std::size_t>(n), gen_timed_script()),
          gen_late_failure()),
      gen_focused_main(n));
}

Gen<draft> gen_focused_draft() {
  // Mostly two or three children: most differences need one child to end before another.
  return gen::mapcat(gen::weightedElement<int>({{1, 1}, {3, 2}, {2, 3}}), [](int n) {
    // Built once per n (build_each): mapcat builds its generator again for every value.
    static const std::vector<Gen<draft>> gens =
        build_each(3, [](int k) { return gen_focused_draft(k + 1); });
    return gens.at(static_cast<std::size_t>(n - 1));
  });
}

// ---- realize ------------------------------------------------------------------------------

/// Where a step is realized: which scripts it may start, whether it may name handles.
struct place {
  int script_index = -1;  ///< -1: main (and blocks/bodies inside it); else scripts[i]
  bool main = true;       ///< may name and bind handles (main and its blocks and bodies)
  bool top = false;       ///< a top-level step of main: its bindings become referencable
};

class realizer {
 public:
  realizer(const model::profile& p, bool respect, int scripts)
      : profile_(p), respect_(respect), scripts_(scripts) {}

  std::set<std::string> features;
  bool uses_my_error = false;

  json script(const draft& d, const place& at) {
    json out = {{"steps", steps(d.at("steps"), at)}};
    if (const draft& oc = d.at("on_cancel"); !oc.is_null()) {
      json realized = oc.to_json();
      if (oc.contains("kind") && oc.at("kind").is_string("raise")) {
        realized["type"] = exception_type(oc.at("type"));
      }
      out["on_cancel"] = std::move(realized);
    }
    return out;
  }

 private:
  bool allowed(const std::string& feature) {
    if (respect_ && !model::profile_supports(profile_, feature)) return false;
    features.insert(feature);
    return true;
  }

  std::string exception_type(const draft& t) {
    if (t.is_string("MyError")) uses_my_error = true;
    return t.as_string();
  }

  std::string fresh_handle() { return "h" + std::to_string(next_handle_++); }

  /// Script i starts only scripts j > i (no recursion); main starts any.
  std::optional<std::string> script_ref(const draft& ref, const place& at) {
    const int first = at.script_index + 1;
    const int count = scripts_ - first;
    if (count <= 0) return std::nullopt;
    return "s" + std::to_string(first + ref.as_int() % count);
  }

  std::optional<std::string> handle_ref(const draft& ref, const place& at) {
    if (!at.main || handles_.empty()) return std::nullopt;
    return handles_[static_cast<std::size_t>(ref.as_int()) % handles_.size()];
  }

  json steps(const draft& drafts, const place& at) {
    json out = json::array();
    for (const draft& d : drafts.items()) {
      std::vector<std::string> bound;
      if (auto s = step(d, at, bound)) {
        out.push_back(std::move(*s));
        // Only now: a step never names what it binds itself.
        if (at.top) handles_.insert(handles_.end(), bound.begin(), bound.end());
      }
    }
    return out;
  }

  std::optional<json> step(const draft& d, const place& at, std::vector<std::string>& bound) {
    const std::string& op = d.at("op").as_string();
    place inner = at;
    inner.top = false;
    if (op == "sleep" || op == "return" || op == "hang") return d.to_json();
    if (op == "raise") {
      json s = d.to_json();
      s["type"] = exception_type(d.at("type"));
      return s;
    }
    if (op == "event_wait" || op == "event_set") {
      return json{{"op", op}, {"event", "e" + std::to_string(d.at("event").as_int())}};
    }
    if (op == "create_task") {
      if (!at.main) return std::nullopt;  // scripts bind no handles
      json s = {{"op", op}};
      if (d.contains("script")) {
        auto name = script_ref(d.at("script"), at);
        if (!name) return std::nullopt;
        s["script"] = *name;
      } else {
        auto e = expr(d.at("expr"), inner, nullptr);
        if (!e) return std::nullopt;
        s["expr"] = std::move(*e);
      }
      s["as"] = fresh_handle();
      bound.push_back(s["as"]);
      return s;
    }
    if (op == "future") {
      if (!at.main) return std::nullopt;
      auto e = expr(d.at("expr"), inner, at.top ? &bound : nullptr);
      if (!e) return std::nullopt;
      json s = {{"op", op}, {"expr", std::move(*e)}, {"as", fresh_handle()}};
      bound.push_back(s["as"]);
      return s;
    }
    if (op == "cancel" || op == "state") {
      auto target = handle_ref(d.at("target"), at);
      if (!target) return std::nullopt;
      json s = {{"op", op}, {"target", *target}};
      if (op == "cancel" && !d.at("msg").is_null() && allowed("cancel_message")) {
        s["msg"] = d.at("msg").to_json();
      }
      return s;
    }
    if (op == "await") {
      json s = {{"op", op}};
      if (d.contains("target")) {
        auto target = handle_ref(d.at("target"), at);
        if (!target) return std::nullopt;
        s["target"] = *target;
      } else {
        auto e = expr(d.at("expr"), inner, at.top ? &bound : nullptr);
        if (!e) return std::nullopt;
        s["expr"] = std::move(*e);
      }
      if (!d.at("catch").is_null()) s["catch"] = d.at("catch").to_json();
      return s;
    }
    if (op == "timeout") {
      if (!allowed("timeout")) return std::nullopt;
      json s = {{"op", op}, {"d", d.at("d").to_json()}, {"steps", steps(d.at("steps"), inner)}};
      if (!d.at("catch").is_null()) s["catch"] = d.at("catch").to_json();
      return s;
    }
    throw std::logic_error("realize: unknown draft op " + op);
  }

  /// A child, or nullopt when it cannot be resolved here. `bound` (non-null only for the
  /// direct children of a top-level expression that wraps them in tasks at once) collects
  /// the handles that become referencable.
  std::optional<json> child(const draft& d, const place& at, std::vector<std::string>* bound,
                            bool coroutine_only) {
    if (d.contains("task")) {
      auto h = coroutine_only ? std::nullopt : handle_ref(d.at("task"), at);
      if (h) return json{{"task", *h}};
      // No handle here (a script, or nothing bound yet; TaskGroup takes no tasks): the
      // same reference names a script instead, so that children are rarely all dropped.
      auto name = script_ref(d.at("task"), at);
      if (!name) return std::nullopt;
      return json{{"script", *name}};
    }
    if (d.contains("script")) {
      auto name = script_ref(d.at("script"), at);
      if (!name) return std::nullopt;
      json c = {{"script", *name}};
      if (d.at("as").as_bool() && at.main) {
        c["as"] = fresh_handle();
        if (bound) bound->push_back(c["as"]);
      }
      return c;
    }
    const std::string& kind = d.at("expr").at("kind").as_string();
    if (coroutine_only && (kind == "gather" || kind == "shield")) return std::nullopt;
    auto e = expr(d.at("expr"), at, nullptr);
    if (!e) return std::nullopt;
    json c = {{"expr", std::move(*e)}};
    if (d.at("as").as_bool() && at.main) c["as"] = fresh_handle();
    return c;
  }

  std::optional<json> expr(const draft& d, const place& at, std::vector<std::string>* bound) {
    const std::string& kind = d.at("kind").as_string();
    if (kind == "task_group" && !allowed("task_group")) return std::nullopt;
    // Whose children's handles exist once the step has begun (see the header).
    // Not TaskGroup under the eager factory: a child that fails inside tg.create_task aborts
    // the group, and the next tg.create_task raises RuntimeError, so later children are never
    // bound (taskgroup.eager-failure).
    const bool binds = kind == "gather" || kind == "shield" || kind == "as_completed" ||
                       (kind == "task_group" && !profile_.eager);
    // From 3.11 wait refuses bare coroutines (wait.coroutines): there a script child of a
    // wait or wait_any names a bound task instead when one exists, so that the return_when,
    // timeout and membership clauses are reached and not only the TypeError.
    const bool tasks_only = (kind == "wait" || kind == "wait_any") && profile_.minor >= 11 &&
                            at.main && !handles_.empty();
    json children = json::array();
    for (const draft& c : d.at("children").items()) {
      if (tasks_only && c.contains("script")) {
        children.push_back(json{{"task", *handle_ref(c.at("script"), at)}});
        continue;
      }
      if (auto r = child(c, at, binds ? bound : nullptr, kind == "task_group")) {
        children.push_back(std::move(*r));
      }
    }
    json e = {{"kind", kind}};
    if (kind == "wait_for" || kind == "shield") {
      if (children.empty()) return std::nullopt;
      e["child"] = children[0];
      if (kind == "wait_for") e["timeout"] = d.at("timeout").to_json();
      return e;
    }
    e["children"] = std::move(children);
    if (kind == "gather") e["return_exceptions"] = d.at("return_exceptions").to_json();
    if (kind == "wait") {
      e["return_when"] = d.at("return_when").to_json();
      e["timeout"] = d.at("timeout").to_json();
    }
    if (kind == "wait_any") e["timeout"] = d.at("timeout").to_json();
    if (kind == "as_completed") {
      e["timeout"] = d.at("timeout").to_json();
      e["form"] = d.at("form").is_string("async_for") && allowed("as_completed_async_for")
                      ? "async_for"
                      : "for";
    }
    if (kind == "task_group") {
      place body = at;
      body.top = false;
      e["steps"] = steps(d.at("steps"), body);
    }
    return e;
  }

  model::profile profile_;
  bool respect_;
  int scripts_;
  std::vector<std::string> handles_;  ///< referencable handles, in binding order
  int next_handle_ = 0;
};

}  // namespace

void showValue(const generated_scenario& value, std::ostream& os) {
  os << "profile " << value.profile.name();
  if (!value.missing.empty()) {
    os << " (lacks " << format::canonical_compact(json(value.missing)) << ")";
  }
  os << ", scenario:\n" << format::canonical_document(value.document);
}

Gen<model::profile> gen_profile() {
  return gen::element(model::profile{8, false}, model::profile{9, false}, model::profile{10, false},
                      model::profile{11, false}, model::profile{12, false},
                      model::profile{13, false}, model::profile{12, true},
                      model::profile{13, true});
}

/// A third of the drafts are of any shape, two thirds focused (above): the uniform ones keep
/// every part of the language in play, the focused ones line up the moments where
/// combinators differ.
Gen<draft> gen_scenario_draft() {
  return gen::weightedOneOf<draft>({{1, gen_uniform_draft()}, {2, gen_focused_draft()}});
}

json realize(const draft& d, const model::profile& profile) {
  const std::vector<draft>& scripts = d.at("scripts").items();
  realizer r(profile, d.at("respect_features").as_bool(), static_cast<int>(scripts.size()));
  json out_scripts = json::object();
  for (std::size_t i = 0; i < scripts.size(); ++i) {
    place at;
    at.script_index = static_cast<int>(i);
    at.main = false;
    out_scripts["s" + std::to_string(i)] = r.script(scripts[i], at);
  }
  place top;
  top.top = true;
  json main = r.script(d.at("main"), top);
  json doc = {{"format", "aioconform.scenario/1"},
              {"name", "properties/generated"},
              {"description", "A scenario generated by properties/scenario_generators."},
              {"clauses", json::array()},
              {"requires", json(std::vector<std::string>(r.features.begin(), r.features.end()))},
              {"main", std::move(main)}};
  if (!out_scripts.empty()) doc["scripts"] = std::move(out_scripts);
  if (r.uses_my_error) doc["exceptions"] = json::array({"MyError"});
  return doc;
}

Gen<generated_scenario> gen_scenario() {
  return gen::apply(
      [](const model::profile& p, const draft& d) {
        generated_scenario g;
        g.profile = p;
        g.document = realize(d, p);
        g.scenario = format::parse_scenario(g.document, "generated.json");
        for (const std::string& f : format::features_used(g.scenario)) {
          if (!model::profile_supports(p, f)) g.missing.push_back(f);
        }
        std::sort(g.missing.begin(), g.missing.end());
        return g;
      },
      gen_profile(), gen_scenario_draft());
}

}  // namespace aioconform::properties
