#include "spec/model/simulate.h"

#include <random>
#include <set>

#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "spec/model/check.h"
#include "spec/model/json_object.h"
#include "spec/model/run.h"
#include "spec/model/schedule.h"

namespace aioconform::model {
namespace {

class collecting_sink : public event_sink {
 public:
  void event(json ev, std::string_view clause) override {
    events.push_back(std::move(ev));
    clauses.emplace_back(clause);
  }
  void exercised(std::string_view clause) override {
    if (!taken.contains(clause)) taken.emplace(clause);
  }
  json events = json::array();
  std::vector<std::string> clauses;
  std::set<std::string, std::less<>> taken;
};

class seeded_chooser : public chooser {
 public:
  explicit seeded_chooser(std::uint64_t seed) : rng_(seed), first_(seed == 0) {}
  std::size_t choose(std::size_t n, const std::vector<std::string>&) override {
    ++count;
    if (first_) return 0;
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::size_t count = 0;

 private:
  std::mt19937_64 rng_;
  bool first_;
};

json assemble(const format::scenario& sc, const profile& p, json events, run_result r) {
  return json_object("format", "aioconform.trace/1", "scenario", sc.name, "runtime",
                     model_runtime(p), "end", std::move(r.end), "missing", json::array(), "events",
                     std::move(events), "futures", std::move(r.futures), "reports",
                     std::move(r.reports));
}

/// The trace of a scenario using features the profile lacks (run.features).
std::optional<json> unsupported_trace(const format::scenario& sc, const profile& p) {
  json missing = json::array();
  for (const std::string& f : format::features_used(sc)) {
    if (!profile_supports(p, f)) missing.push_back(f);
  }
  if (missing.empty()) return std::nullopt;
  return json{{"format", "aioconform.trace/1"}, {"scenario", sc.name},
              {"runtime", model_runtime(p)},    {"end", "unsupported"},
              {"missing", std::move(missing)},  {"events", json::array()},
              {"futures", json::object()},      {"reports", json::array()}};
}

}  // namespace

std::set<std::string> exercised_clauses(const simulation& s) {
  std::set<std::string> out(s.clauses.begin(), s.clauses.end());
  out.insert(s.exercised.begin(), s.exercised.end());
  return out;
}

json model_runtime(const profile& p) {
  return json_object("name", "model-" + p.name(), "implementation", "model", "version",
                     "3." + std::to_string(p.minor), "loop", "virtual", "tasks", "model",
                     "task_factory", p.eager ? "eager" : "default", "clock", "virtual", "unit_ms",
                     0);
}

simulation simulate(const format::scenario& sc, const profile& p, std::uint64_t seed) {
  if (auto unsupported = unsupported_trace(sc, p)) {
    return {std::move(*unsupported), {}, {"run.features"}, 0};
  }
  collecting_sink sink;
  seeded_chooser choices(seed);
  run_result r = run_scenario(sc, p, sink, choices);
  simulation out;
  out.trace = assemble(sc, p, std::move(sink.events), std::move(r));
  out.clauses = std::move(sink.clauses);
  out.exercised.insert(sink.taken.begin(), sink.taken.end());
  out.choices = choices.count;
  return out;
}

bool same_run(const simulation& s, const json& trace) {
  const auto field = [](const json& doc, const char* key) -> const json* {
    const auto it = doc.find(key);
    return it == doc.end() ? nullptr : &*it;
  };
  if (const json* runtime = field(trace, "runtime");
      runtime != nullptr && runtime->is_object() && runtime->value("clock", "") == "real") {
    return false;
  }
  for (const char* key : {"end", "missing", "events", "futures", "reports"}) {
    const json* have = field(trace, key);
    if (have == nullptr || *have != s.trace.at(key)) return false;
  }
  return true;
}

enumeration enumerate_traces(const format::scenario& sc, const profile& p, std::size_t limit) {
  enumeration out;
  if (auto unsupported = unsupported_trace(sc, p)) {
    out.traces.push_back(std::move(*unsupported));
    return out;
  }
  std::set<std::string> seen;
  schedule_explorer explorer;
  std::size_t runs = 0;
  do {
    if (runs++ == limit) {
      out.complete = false;
      break;
    }
    collecting_sink sink;
    run_result r = run_scenario(sc, p, sink, explorer);
    json trace = assemble(sc, p, std::move(sink.events), std::move(r));
    if (seen.insert(format::canonical_compact(trace)).second)
      out.traces.push_back(std::move(trace));
  } while (explorer.next());
  return out;
}

}  // namespace aioconform::model
