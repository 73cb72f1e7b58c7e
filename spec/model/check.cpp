#include "spec/model/check.h"

#include <algorithm>
#include <optional>
#include <set>

#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "spec/model/run.h"
#include "spec/model/schedule.h"
#include "spec/model/world.h"

namespace aioconform::model {
namespace {

/// Thrown by the comparing sink to abandon a schedule at its first differing event.
struct diverged {};

class comparing_sink : public event_sink {
 public:
  comparing_sink(const json& observed, std::size_t& position)
      : observed_(observed), index(position) {
    index = 0;
  }
  void event(json ev, std::string_view clause) override {
    if (index >= observed_.size() || ev != observed_[index]) {
      expected = std::move(ev);
      expected_clause = clause;
      throw diverged{};
    }
    ++index;
  }
  void loop_stopped() override { stopped_at = index; }
  std::optional<std::size_t> stopped_at;  ///< events before the shutdown began

 private:
  const json& observed_;

 public:
  std::size_t& index;  ///< events matched so far (shared with the schedule ranking)
  json expected;       ///< the differing event the model made
  std::string expected_clause;
};

/// A value at `where`, for an explanation; null means absent.
std::string summary(const json& value, const std::string& where) {
  if (!value.is_null()) return format::canonical_compact(value);
  if (where.starts_with("events")) return "no further event";
  if (where.starts_with("futures")) return "no such entry";
  return "nothing";
}

}  // namespace

bool profile_supports(const profile& p, const std::string& feature) {
  if (feature == "cancel_message") return p.minor >= 9;
  if (feature == "timeout" || feature == "task_group") return p.minor >= 11;
  if (feature == "as_completed_async_for") return p.minor >= 13;
  return false;
}

verdict check(const format::scenario& sc, const json& trace, const profile& judged_by,
              std::size_t max_schedules) {
  verdict v;
  profile p = judged_by;
  if (trace.contains("runtime") && trace["runtime"].value("clock", "") == "real") {
    p.real_clock = true;  // loop.timer.real-clock-instant
  }
  // Features the profile lacks: the only allowed trace is "unsupported" listing them.
  std::vector<std::string> missing;
  for (const std::string& f : format::features_used(sc)) {
    if (!profile_supports(p, f)) missing.push_back(f);
  }
  std::sort(missing.begin(), missing.end());
  const std::string end = trace.value("end", "");
  if (!missing.empty() || end == "unsupported") {
    json want_missing = missing;
    json have_missing = trace.value("missing", json::array());
    v.accepted = !missing.empty() && end == "unsupported" && have_missing == want_missing;
    if (!v.accepted) {
      v.clause = "run.features";
      v.where = "missing";
      v.allowed = json::array({want_missing});
      v.observed = have_missing;
      v.explanation =
          "profile " + p.name() +
          (missing.empty()
               ? " supports every feature the scenario uses, so the run cannot be unsupported"
               : " lacks features " + format::canonical_compact(want_missing) +
                     ", so the run must be unsupported listing them");
    }
    return v;
  }

  const json& observed = trace.at("events");
  // The sink's position, read by the ranking: a timer whose owner acts sooner in the rest
  // of the trace is tried first.
  std::size_t position = 0;
  schedule_explorer explorer([&](const std::string& owner) {
    for (std::size_t i = position; i < observed.size(); ++i) {
      if (observed[i].value("task", "") == owner) return i - position;
    }
    return observed.size();
  });
  std::size_t best_index = 0;
  json best_allowed = json::array();
  std::string best_clause;
  bool best_is_event = true;
  std::string best_where;
  json best_observed;
  std::string best_explanation;
  auto note = [&](std::size_t index, json allowed, std::string clause, bool is_event,
                  std::string where, json obs, std::string explanation) {
    if (best_clause.empty() || index > best_index) {
      best_index = index;
      best_allowed = json::array();
      best_clause = std::move(clause);
      best_is_event = is_event;
      best_where = std::move(where);
      best_observed = std::move(obs);
      best_explanation = std::move(explanation);
    }
    if (index == best_index &&
        std::find(best_allowed.begin(), best_allowed.end(), allowed) == best_allowed.end()) {
      best_allowed.push_back(std::move(allowed));
    }
  };
  do {
    if (v.schedules == max_schedules) {
      v.inconclusive = true;
      break;
    }
    ++v.schedules;
    comparing_sink sink(observed, position);
    run_result r;
    try {
      r = run_scenario(sc, p, sink, explorer);
    } catch (diverged&) {
      explorer.truncate_to_made();
      std::size_t i = sink.index;
      json obs = i < observed.size() ? observed[i] : json();
      // Differing exactly where the model's loop stopped: the runtime ran on (or stopped
      // early) after main was done (run.stop).
      std::string clause = sink.stopped_at == i ? "run.stop" : sink.expected_clause;
      note(i, sink.expected, clause, true, "events[" + std::to_string(i) + "]", obs, "");
      continue;
    }
    const std::size_t n = observed.size();
    if (sink.index < n) {
      note(sink.index, json(),
           r.end == "hang"                 ? "loop.hang"
           : sink.stopped_at == sink.index ? "run.stop"
                                           : "run.main",
           true, "events[" + std::to_string(sink.index) + "]", observed[sink.index], "");
      continue;
    }
    // Every event matched: the end, the final states and the reports must too.
    if (trace.value("end", "") != r.end) {
      note(n + 1, r.end, "loop.hang", false, "end", trace.value("end", ""), "");
      continue;
    }
    const json& futures = trace.at("futures");
    bool futures_ok = true;
    std::set<std::string> names;
    for (auto it = r.futures.begin(); it != r.futures.end(); ++it) names.insert(it.key());
    for (auto it = futures.begin(); it != futures.end(); ++it) names.insert(it.key());
    for (const std::string& name : names) {
      json want = r.futures.contains(name) ? r.futures[name] : json();
      json have = futures.contains(name) ? futures[name] : json();
      if (want != have) {
        // The model finished it only in the shutdown; a runtime that finished it otherwise
        // ran on past the point where the loop stops (run.stop).
        const bool at_stop = std::find(r.pending_at_stop.begin(), r.pending_at_stop.end(), name) !=
                                 r.pending_at_stop.end() &&
                             have.is_object() && have.value("state", json()) != "pending";
        note(n + 2, want, at_stop ? "run.stop" : r.future_clauses.value(name, "task.await.outcome"),
             false, "futures." + name, have, "");
        futures_ok = false;
        break;
      }
    }
    if (!futures_ok) continue;
    if (trace.at("reports") != r.reports) {
      note(n + 3, r.reports, "task.never-retrieved", false, "reports", trace.at("reports"), "");
      continue;
    }
    v.accepted = true;
    return v;
  } while (explorer.next());

  v.clause = best_clause;
  v.where = best_where;
  if (best_is_event) v.event_index = best_index;
  v.allowed = best_allowed;
  v.observed = best_observed;
  std::string allowed_text;
  for (const json& a : best_allowed) {
    if (!allowed_text.empty()) allowed_text += " or ";
    allowed_text += summary(a, best_where);
  }
  v.explanation = "at " + best_where + " the model (profile " + p.name() + ") allows " +
                  allowed_text + " but the trace has " + summary(best_observed, best_where) + " [" +
                  best_clause + "]";
  if (v.inconclusive) v.explanation += " (inconclusive: schedule limit reached)";
  // Two loop behaviours of uvloop make a runtime differ anywhere after them, in clauses that
  // are not at fault: when the trace is what the model gives with one of them, name its
  // clause. The verdict stays a rejection.
  // Not after an inconclusive search: the clause it names is only the best guess so far, and
  // each variant would search up to the limit again.
  if (!v.inconclusive && !p.late_stop && !p.zero_delay_soon && v.clause != "run.stop" &&
      v.clause != "loop.timer.after-ready") {
    struct variant {
      bool late_stop, zero_delay_soon;
      const char* clause;
      const char* why;
    };
    static constexpr variant variants[] = {
        {true, false, "run.stop", "if the loop stops one iteration after main is done"},
        {false, true, "loop.timer.after-ready",
         "if a zero-delay timer runs in FIFO order with the callbacks already queued"},
        {true, true, "run.stop",
         "if the loop stops one iteration late and zero-delay timers run as call_soon"},
    };
    for (const variant& alt : variants) {
      profile q = p;
      q.late_stop = alt.late_stop;
      q.zero_delay_soon = alt.zero_delay_soon;
      if (check(sc, trace, q, max_schedules).accepted) {
        v.clause = alt.clause;
        v.explanation +=
            std::string("; the model gives this trace ") + alt.why + " [" + alt.clause + "]";
        break;
      }
    }
  }
  return v;
}

}  // namespace aioconform::model
