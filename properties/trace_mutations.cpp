#include "properties/trace_mutations.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "format/canonical_json.h"

namespace aioconform::properties {
namespace {

using json = nlohmann::json;

/// A different outcome of the same or another kind (trace.md, "Outcomes").
json mutate_outcome(const json& outcome, std::size_t pick) {
  if (outcome.contains("result")) {
    const json& v = outcome["result"];
    if (pick % 2 == 1) return {{"exception", {{"type", "ValueError"}, {"message", ""}}}};
    if (v.is_number_integer()) return {{"result", v.get<std::int64_t>() + 1}};
    if (v == json("mutant")) return {{"result", nullptr}};
    return {{"result", "mutant"}};
  }
  if (outcome.contains("exception")) {
    json out = outcome;
    switch (pick % 3) {
      case 0:
        out["exception"]["type"] =
            out["exception"]["type"] == "TypeError" ? "ValueError" : "TypeError";
        return out;
      case 1:
        out["exception"]["message"] = out["exception"]["message"].get<std::string>() + "!";
        return out;
      default:
        return {{"cancelled", {{"message", ""}}}};
    }
  }
  // cancelled
  if (pick % 2 == 0) return {{"exception", {{"type", "ValueError"}, {"message", ""}}}};
  json out = outcome;
  out["cancelled"]["message"] = out["cancelled"]["message"].get<std::string>() + "!";
  return out;
}

/// The paths of every wait-shaped result `[{"$set": done}, {"$set": pending}]` with a
/// non-empty done set, inside `v`.
void find_wait_results(json& v, std::vector<json*>& out) {
  if (v.is_array()) {
    if (v.size() == 2 && v[0].is_object() && v[0].contains("$set") && v[1].is_object() &&
        v[1].contains("$set") && !v[0]["$set"].empty()) {
      out.push_back(&v);
    }
    for (json& e : v) find_wait_results(e, out);
  } else if (v.is_object()) {
    for (auto& [k, e] : v.items()) find_wait_results(e, out);
  }
}

void sort_set(json& set) {
  std::sort(set.begin(), set.end(), [](const json& a, const json& b) {
    return format::canonical_compact(a) < format::canonical_compact(b);
  });
}

}  // namespace

std::string_view name(mutation m) {
  switch (m) {
    case mutation::outcome:
      return "outcome";
    case mutation::swap_same_task:
      return "swap-same-task";
    case mutation::swap_other_tasks:
      return "swap-other-tasks";
    case mutation::set_membership:
      return "set-membership";
    case mutation::time:
      return "time";
    case mutation::final_state:
      return "final-state";
    case mutation::report:
      return "report";
    case mutation::end:
      return "end";
  }
  return "?";
}

std::optional<json> mutate(const json& trace, mutation m, std::size_t pick) {
  json out = trace;
  json& events = out["events"];
  auto choose = [&](std::size_t n) { return pick % n; };
  switch (m) {
    case mutation::outcome: {
      std::vector<std::size_t> at;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].contains("outcome")) at.push_back(i);
      }
      if (at.empty()) return std::nullopt;
      json& ev = events[at[choose(at.size())]];
      ev["outcome"] = mutate_outcome(ev["outcome"], pick / at.size());
      return out;
    }
    case mutation::swap_same_task:
    case mutation::swap_other_tasks: {
      const bool same = m == mutation::swap_same_task;
      std::vector<std::size_t> at;
      for (std::size_t i = 0; i + 1 < events.size(); ++i) {
        if ((events[i]["task"] == events[i + 1]["task"]) == same && events[i] != events[i + 1]) {
          at.push_back(i);
        }
      }
      if (at.empty()) return std::nullopt;
      const std::size_t i = at[choose(at.size())];
      std::swap(events[i], events[i + 1]);
      // `t` belongs to the position, not the event: keep time non-decreasing so that only
      // the order is wrong.
      std::swap(events[i]["t"], events[i + 1]["t"]);
      return out;
    }
    case mutation::set_membership: {
      std::vector<json*> results;
      for (json& ev : events) {
        if (ev.contains("outcome")) find_wait_results(ev["outcome"], results);
      }
      for (auto& [name, f] : out["futures"].items()) {
        if (f["state"].is_object()) find_wait_results(f["state"], results);
      }
      if (results.empty()) return std::nullopt;
      json& r = *results[choose(results.size())];
      json& done = r[0]["$set"];
      const std::size_t k = (pick / results.size()) % done.size();
      r[1]["$set"].push_back(done[k]);
      done.erase(k);
      sort_set(r[1]["$set"]);
      return out;
    }
    case mutation::time: {
      if (events.empty()) return std::nullopt;
      json& ev = events[choose(events.size())];
      ev["t"] = ev["t"].get<std::int64_t>() + 1;
      return out;
    }
    case mutation::final_state: {
      json& futures = out["futures"];
      if (futures.empty()) return std::nullopt;
      auto it = futures.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(choose(futures.size())));
      json& state = (*it)["state"];
      state = state == "pending"         ? json{{"result", nullptr}}
              : state.contains("result") ? json("pending")
                                         : mutate_outcome(state, pick / futures.size());
      return out;
    }
    case mutation::report: {
      json& reports = out["reports"];
      if (!reports.empty() && pick % 2 == 0) {
        reports.erase((pick / 2) % reports.size());
        return out;
      }
      reports.push_back({{"message", "Task exception was never retrieved"},
                         {"future", "main"},
                         {"exception", {{"type", "ValueError"}, {"message", "mutant"}}}});
      sort_set(reports);
      return out;
    }
    case mutation::end: {
      if (out["end"] == "completed") {
        out["end"] = "hang";
      } else if (out["end"] == "hang") {
        out["end"] = "completed";
      } else {
        return std::nullopt;
      }
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace aioconform::properties
