#include "spec/model/run.h"

#include <algorithm>

#include "format/canonical_json.h"
#include "spec/model/combinators.h"
#include "spec/model/interpreter.h"
#include "spec/model/json_object.h"

namespace aioconform::model {
namespace {

constexpr const char* loop_task = "(loop)";

/// The adapter's state_of: a final state, read without retrieving an exception (but a
/// cancelled future's CancelledError is made, and from 3.11 handed out once).
json state_of(world& w, fid f) {
  const future_state& s = w.at(f);
  if (s.status == future_status::pending) return "pending";
  if (s.status == future_status::cancelled) {
    py_exception raised;
    (void)w.exception(f, raised);
    return json_object("cancelled", json_object("message", raised ? raised->message : ""));
  }
  if (s.exception) return json_object("exception", encode_exception(s.exception));
  return json_object("result", s.result);
}

json futures_table(interpreter& in) {
  json out = json::object();
  for (const auto& [name, f] : in.named) {
    out[name] = json_object("kind", in.w.at(f).kind == future_kind::task ? "task" : "future",
                            "state", state_of(in.w, f));
  }
  return out;
}

proc returns_none() {
  co_return nullptr;
}

}  // namespace

run_result run_scenario(const format::scenario& sc, const profile& p, event_sink& sink,
                        chooser& choices) {
  world w(p, sink, choices);
  interpreter in(sc, w);
  auto main = in.register_coroutine(proc(), "main", std::string("main"));
  main->body = in.script_body("main", &sc.main, true);
  fid main_task = in.create_task(main);
  w.at(main_task).task->log_destroy_pending = false;

  run_result out;
  auto clauses = [&] {
    json c = json::object();
    for (const auto& [name, f] : in.named) {
      c[name] = w.at(f).decided_by.empty() ? "task.await.outcome" : w.at(f).decided_by;
    }
    return c;
  };
  auto hang = [&] {
    out.end = "hang";
    out.future_clauses = clauses();
    out.futures = futures_table(in);
    out.reports = json::array();
    return out;
  };
  if (!w.run_until_complete(main_task)) return hang();  // run.main
  w.exercise("run.main");
  w.exercise("run.stop");
  if (w.at(main_task).exception) w.exercise("run.main-raises");
  sink.loop_stopped();
  for (const auto& [name, f] : in.named) {
    if (!w.done(f)) out.pending_at_stop.push_back(name);
  }
  // run_until_complete ends with `return future.result()`: main's outcome is retrieved,
  // and from 3.11 a stored CancelledError is handed out there, not to the futures table.
  (void)w.retrieve(main_task);
  // asyncio.run's _cancel_all_tasks (run.shutdown.cancel-leftover)
  // A leftover task that swallows the shutdown cancellation runs on, and run waits for it
  // (run.shutdown.swallow).
  std::vector<fid> to_cancel = w.all_tasks();
  if (!to_cancel.empty()) {
    for (fid t : to_cancel) w.cancel(t, std::nullopt, "run.shutdown.cancel-leftover");
    std::vector<awaitable> children;
    for (fid t : to_cancel) children.push_back({t, nullptr});
    fid g = gather(in, children, true);
    w.exercise("run.shutdown.waits-for-leftover");
    if (!w.run_until_complete(g)) return hang();  // run.shutdown.waits-for-leftover
    for (fid t : to_cancel) {
      if (w.cancelled(t)) continue;
      if (!w.at(t).exception) w.exercise("run.shutdown.swallow");
      if (py_exception e = w.exception(t)) {
        w.record(loop_task, "report",
                 {{"message", "unhandled exception during asyncio.run() shutdown"},
                  {"future", in.name_of(t)},
                  {"exception", encode_exception(e)}},
                 "run.shutdown.exception-reported");
      }
    }
  }
  // shutdown_asyncgens, and from 3.9 shutdown_default_executor: one trivial task each.
  for (int i = 0; i < (w.at_least(9) ? 2 : 1); ++i) {
    fid t = w.create_task(returns_none(), "");
    if (!w.run_until_complete(t)) return hang();
  }
  out.end = "completed";
  out.future_clauses = clauses();
  out.futures = futures_table(in);
  // Collecting the run's objects: run.reports.finalization, task.never-retrieved.
  std::vector<std::pair<std::string, json>> reports;
  for (fid f = 0; f < w.future_count(); ++f) {
    const future_state& s = w.at(f);
    json r;
    if (s.log_traceback) {
      w.exercise("task.never-retrieved");
      w.exercise("run.reports.finalization");
      // A child the shield let go, or the shield's own unawaited future
      // (shield.never-retrieved).
      if (s.shield_detached || s.shield_outer) w.exercise("shield.never-retrieved");
      // Future.__del__: f'{self.__class__.__name__} exception was never retrieved'
      const char* cls = s.kind == future_kind::task        ? "Task"
                        : s.kind == future_kind::gathering ? "_GatheringFuture"
                                                           : "Future";
      r = {{"message", std::string(cls) + " exception was never retrieved"},
           {"exception", encode_exception(s.exception)}};
    } else if (s.kind == future_kind::task && s.status == future_status::pending &&
               s.task->log_destroy_pending) {
      r = {{"message", "Task was destroyed but it is pending!"}};
    } else {
      continue;
    }
    std::string name = in.name_of(f);
    if (name != "?") {
      r["future"] = name;
    } else if (s.kind == future_kind::task && !s.name.empty()) {
      r["future"] = s.name;
    }
    reports.emplace_back(format::canonical_compact(r), r);
  }
  std::sort(reports.begin(), reports.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.reports = json::array();
  for (auto& [key, r] : reports) out.reports.push_back(std::move(r));
  return out;
}

}  // namespace aioconform::model
