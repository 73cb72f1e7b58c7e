#include "report/timeline.h"

#include <fmt/format.h>

#include <map>

#include "format/canonical_json.h"
#include "report/step_summary.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

/// What an await or block at `at` was waiting for, in one or two words: "gather", "b",
/// "timeout block".
std::string awaited(const json& scenario, const std::string& task, const std::string& at) {
  const json* step = find_step(scenario, task, at);
  if (step == nullptr) return "step " + at;
  if (step->value("op", "") == "timeout") return "timeout block";
  if (step->contains("target")) return (*step)["target"].get<std::string>();
  if (step->contains("expr")) {
    const std::string kind = (*step)["expr"].value("kind", "?");
    return kind == "task_group" ? "TaskGroup" : kind;
  }
  return step->value("op", "?");
}

mark step_mark(const json* step, const std::string& op) {
  if (op == "sleep") return mark::sleep;
  if (op == "create_task" || op == "future" || op == "timeout") return mark::call;
  if (op == "await") return mark::call;
  (void)step;
  return mark::step;
}

void describe(const json& scenario, const json& ev, timeline_event& out) {
  const std::string kind = ev.value("ev", "");
  const std::string task = ev.value("task", "");
  const std::string at = ev.value("at", "");
  const json none;
  if (kind == "start") {
    out.kind = mark::start;
    out.text = "starts";
  } else if (kind == "step") {
    const std::string op = ev.value("op", "?");
    const json* step = find_step(scenario, task, at);
    out.kind = step_mark(step, op);
    out.text = step ? summarize_step(*step) : op;
  } else if (kind == "cancel") {
    out.kind = mark::cancel_request;
    out.text = fmt::format("{}.cancel({}) -> {}", ev.value("target", "?"),
                           ev.contains("msg") ? "'" + ev.value("msg", "") + "'" : "",
                           ev.value("returned", false) ? "True" : "False");
  } else if (kind == "await_end") {
    out.kind = mark::returned_to;
    out.text = awaited(scenario, task, at) + " " + summarize_outcome(ev.value("outcome", none));
  } else if (kind == "block_end") {
    out.kind = mark::returned_to;
    out.text = "timeout block ends " + summarize_outcome(ev.value("outcome", none));
  } else if (kind == "yield") {
    out.kind = mark::returned_to;
    out.text = fmt::format("as_completed item {} {}", ev.value("i", 0),
                           summarize_outcome(ev.value("outcome", none)));
  } else if (kind == "state") {
    out.kind = mark::state;
    out.text = fmt::format("{} is {}", ev.value("target", "?"), ev.value("state", "?"));
  } else if (kind == "on_cancel") {
    out.kind = mark::cancel_arrives;
    const std::string message = ev.value("message", "");
    out.text = fmt::format("CancelledError({}) arrives: {}",
                           message.empty() ? "" : "'" + message + "'", ev.value("policy", "?"));
  } else if (kind == "exit") {
    const json& outcome = ev.value("outcome", none);
    out.kind = outcome.contains("result")      ? mark::completed
               : outcome.contains("cancelled") ? mark::cancelled
                                               : mark::raised;
    out.text = out.kind == mark::completed ? "returns " + summarize_outcome(outcome).substr(3)
                                           : summarize_outcome(outcome);
  } else if (kind == "report") {
    out.kind = mark::report;
    out.text = "report: " + ev.value("message", "");
  } else {
    out.kind = mark::step;
    out.text = format::canonical_compact(ev);
  }
}

}  // namespace

char glyph(mark m) {
  switch (m) {
    case mark::start:
      return 'o';
    case mark::sleep:
      return 'z';
    case mark::call:
      return '>';
    case mark::step:
      return '.';
    case mark::returned_to:
      return '<';
    case mark::cancel_request:
      return 'c';
    case mark::cancel_arrives:
      return '!';
    case mark::state:
      return '?';
    case mark::completed:
      return 'v';
    case mark::raised:
      return 'X';
    case mark::cancelled:
      return 'C';
    case mark::report:
      return 'R';
  }
  return '.';
}

const char* mark_name(mark m) {
  switch (m) {
    case mark::start:
      return "start";
    case mark::sleep:
      return "sleep";
    case mark::call:
      return "call";
    case mark::step:
      return "step";
    case mark::returned_to:
      return "return";
    case mark::cancel_request:
      return "cancel()";
    case mark::cancel_arrives:
      return "CancelledError";
    case mark::state:
      return "state";
    case mark::completed:
      return "returned";
    case mark::raised:
      return "raised";
    case mark::cancelled:
      return "cancelled";
    case mark::report:
      return "report";
  }
  return "step";
}

timeline make_timeline(const json& scenario, const json& trace,
                       const std::vector<std::string>& clauses) {
  timeline out;
  out.scenario = trace.value("scenario", scenario.value("name", ""));
  out.runtime = trace.value("runtime", json::object()).value("name", "");
  out.end = trace.value("end", "");
  for (const json& f : trace.value("missing", json::array())) {
    out.missing.push_back(f.get<std::string>());
  }
  std::map<std::string, std::size_t> lane_of;
  const json events = trace.value("events", json::array());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const json& ev = events[i];
    timeline_event e;
    e.index = i;
    e.t = ev.value("t", std::int64_t{0});
    e.clause = i < clauses.size() ? clauses[i] : "";
    const std::string task = ev.value("task", "(loop)");
    auto [it, added] = lane_of.emplace(task, out.lanes.size());
    if (added) out.lanes.push_back({task, out.events.size(), out.events.size()});
    e.lane = it->second;
    out.lanes[e.lane].last = out.events.size();
    describe(scenario, ev, e);
    out.events.push_back(std::move(e));
  }
  for (const json& r : trace.value("reports", json::array())) {
    std::string text = r.value("message", "");
    if (r.contains("future")) text += " (" + r["future"].get<std::string>() + ")";
    if (r.contains("exception")) {
      text += ": " + summarize_outcome(json{{"exception", r["exception"]}}).substr(7);
    }
    out.reports.push_back(std::move(text));
  }
  return out;
}

std::optional<std::size_t> first_event_difference(const json& a, const json& b) {
  const json ea = a.value("events", json::array());
  const json eb = b.value("events", json::array());
  const std::size_t n = std::min(ea.size(), eb.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (ea[i] != eb[i]) return i;
  }
  if (ea.size() != eb.size()) return n;
  return std::nullopt;
}

}  // namespace aioconform::report
