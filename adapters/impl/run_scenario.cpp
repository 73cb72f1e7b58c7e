#include "adapters/impl/run_scenario.h"

#include <algorithm>
#include <map>
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

/// A report as the adapter's report_of writes it: the message, the name of the context's
/// future or task if the scenario named it, and the exception.
json report_of(const impl::exception_context& context,
               const std::map<const impl::future_base*, std::string>& names) {
  json r = {{"message", context.message}};
  if (auto it = names.find(context.future); context.future && it != names.end()) {
    r["future"] = it->second;
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
  // The names while the run's objects are released (the adapter's final_names): the
  // interpreter is being destroyed then.
  std::map<const impl::future_base*, std::string> final_names;
  loop.set_exception_handler([&](const impl::exception_context& context) {
    if (now == phase::run) {
      json r = report_of(context, in->names());
      r["t"] = loop.time();
      r["task"] = loop_task;
      r["ev"] = "report";
      in->events.push_back(std::move(r));
    } else {
      reports.push_back(report_of(context, final_names));
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
  try {
    impl::cancel_all_tasks(loop);  // run.shutdown.cancel-leftover
  } catch (const impl::error&) {
    return hang();
  }
  for (int i = 0; i < 2; ++i) {  // shutdown_asyncgens, shutdown_default_executor
    impl::task<json> t = impl::create_task(loop, returns_none());
    if (!run_until_complete(*t.base())) return hang();
  }
  json out = finish("completed");
  // Collecting the run's objects: run.reports.finalization, task.never-retrieved.
  final_names = in->names();
  now = phase::collect;
  main_task.reset();
  in.reset();
  loop.close();  // asyncio.run closes its loop; the adapter then collects
  std::vector<std::pair<std::string, json>> sorted;
  for (json& r : reports) sorted.emplace_back(format::canonical_compact(r), std::move(r));
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, r] : sorted) out["reports"].push_back(std::move(r));
  return out;
}

}  // namespace aioconform::impl_runtime
