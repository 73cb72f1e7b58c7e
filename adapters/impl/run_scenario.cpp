#include "adapters/impl/run_scenario.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/impl/exception_encoding.h"
#include "adapters/impl/scenario_interpreter.h"
#include "format/canonical_json.h"
#include "impl/error.h"
#include "impl/event_loop.h"
#include "impl/task.h"

namespace aioconform::impl_runtime {
namespace {

/// The `task` of a report made while no scenario coroutine runs.
constexpr const char* loop_task = "(loop)";

/// The adapter's state_of: pending, or the outcome, read without retrieving an exception.
json state_of(const any_future& f) {
  impl::future_base* b = f.base();
  if (!b->done()) return "pending";
  if (b->cancelled()) {
    return {{"cancelled", {{"message", impl::describe(b->make_cancelled_error()).message}}}};
  }
  if (std::exception_ptr e = f.peek_exception()) return {{"exception", encode_exception(e)}};
  return {{"result", f.result_value()}};
}

json futures_table(const interpreter& in) {
  json out = json::object();
  for (const auto& [name, f] : in.named) {
    out[name] = {{"kind", f.is_task() ? "task" : "future"}, {"state", state_of(f)}};
  }
  return out;
}

/// What a report may name: a future of the run and the exception it holds.
struct reportable {
  std::string name;
  bool is_task = false;
  std::exception_ptr exception;  ///< a snapshot, unless `live`
  bool log_traceback = false;
  /// A leftover task at shutdown, still running when listed: its exception is read when a
  /// report comes. (Snapshots hold no reference, so that releasing the run reports.)
  std::optional<any_future> live;

  std::exception_ptr current_exception() const noexcept {
    if (!live) return exception;
    const impl::future_base* b = live->base();
    return b->done() && !b->cancelled() ? live->peek_exception() : nullptr;
  }
};

std::vector<reportable> reportables(const interpreter& in) {
  std::vector<reportable> out;
  for (const auto& [name, f] : in.named) {
    if (!f.base()->done() || f.base()->cancelled()) continue;
    if (std::exception_ptr e = f.peek_exception()) {
      out.push_back({name, f.is_task(), e, f.peek_log_traceback(), std::nullopt});
    }
  }
  return out;
}

/// The exception handler's context carries no future, so a report names the future of the
/// run holding that very exception object (the kind the message names first).
json report_of(const impl::exception_context& context, const std::vector<reportable>& candidates,
               bool never_retrieved) {
  json r = {{"message", context.message}};
  const bool task_report = context.message.rfind("Task", 0) == 0 || !never_retrieved;
  for (const reportable& c : candidates) {
    if (c.current_exception() != context.exception || c.is_task != task_report) continue;
    if (never_retrieved && !c.log_traceback) continue;
    r["future"] = c.name;
    break;
  }
  if (context.exception) r["exception"] = encode_exception(context.exception);
  return r;
}

impl::task<json> returns_none() {
  co_return nullptr;
}

}  // namespace

json runtime_object() {
  return {{"name", "impl"},      {"implementation", "aioconform-impl"},
          {"version", "3.13.0"}, {"loop", "virtual"},
          {"tasks", "impl"},     {"task_factory", "default"},
          {"clock", "virtual"},  {"unit_ms", 0}};
}

json run_scenario(const format::scenario& sc) {
  // Destroyed last: every future and frame refers to it.
  impl::event_loop loop;
  std::vector<json> reports;
  auto in = std::make_unique<interpreter>(sc, loop);
  json trace = {{"format", "aioconform.trace/1"},
                {"scenario", sc.name},
                {"runtime", runtime_object()},
                {"missing", json::array()}};
  enum class phase { run, collect } now = phase::run;
  std::vector<reportable> candidates;
  loop.set_exception_handler([&](const impl::exception_context& context) {
    if (now == phase::run) {
      // Shutdown reports come in leftover order, one per leftover task: a task awaiting
      // another may hold the same exception, so each leftover is named once.
      json r = report_of(context, candidates, false);
      if (r.contains("future")) {
        std::erase_if(candidates, [&](const reportable& c) { return c.name == r["future"]; });
      }
      r["t"] = loop.time();
      r["task"] = loop_task;
      r["ev"] = "report";
      in->events.push_back(std::move(r));
    } else {
      reports.push_back(report_of(context, candidates, true));
    }
  });
  struct silence {  // whatever is released with the loop is not part of the trace
    impl::event_loop& loop;
    ~silence() {
      loop.set_exception_handler([](const impl::exception_context&) {});
    }
  } guard{loop};

  auto finish = [&](const char* end) {
    if (in->failure) throw scenario_error(*in->failure);
    trace["end"] = end;
    trace["futures"] = futures_table(*in);
    trace["events"] = std::move(in->events);
    trace["reports"] = json::array();
    return trace;
  };
  // A hung run leaves tasks waiting on each other; once its trace is taken, cancel them
  // until none is left, so that their frames (and the references they hold) are freed.
  auto hang = [&] {
    json out = finish("hang");
    loop.set_exception_handler([](const impl::exception_context&) {});
    for (int round = 0; round < 4 && !loop.all_tasks().empty(); ++round) {
      try {
        impl::cancel_all_tasks(loop);
      } catch (const impl::error&) {
      }
    }
    return out;
  };
  auto run_until_complete = [&](impl::future_base& f) {
    try {
      loop.run_until_complete(f);
      return true;
    } catch (const impl::error&) {
      return false;  // the loop hung: nothing can run any more
    }
  };

  coroutine_ref main = in->main_coroutine();
  in->create_task(main);
  std::optional<impl::task<json>> main_task = *main->body;
  main.reset();
  if (!run_until_complete(*main_task->base())) return hang();  // run.main
  try {
    (void)main_task->result();  // run_until_complete returns future.result()
  } catch (const impl::error&) {
  }
  candidates.clear();
  for (impl::task_link* t : loop.all_tasks()) {
    if (const any_future* f = in->find(static_cast<impl::task_base*>(t))) {
      candidates.push_back({*in->name_of(f->base()), true, nullptr, false, *f});
    }
  }
  try {
    impl::cancel_all_tasks(loop);  // run.shutdown.cancel-leftover
  } catch (const impl::error&) {
    return hang();
  }
  for (int i = 0; i < 2; ++i) {  // shutdown_asyncgens, shutdown_default_executor
    impl::task<json> t = impl::create_task(loop, returns_none());
    if (!run_until_complete(*t.base())) return hang();
  }
  candidates.clear();
  json out = finish("completed");
  // Collecting the run's objects: run.reports.finalization, task.never-retrieved.
  candidates = reportables(*in);
  now = phase::collect;
  main_task.reset();
  in.reset();
  std::vector<std::pair<std::string, json>> sorted;
  for (json& r : reports) sorted.emplace_back(format::canonical_compact(r), std::move(r));
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, r] : sorted) out["reports"].push_back(std::move(r));
  return out;
}

}  // namespace aioconform::impl_runtime
