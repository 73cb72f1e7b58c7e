#include "report/matrix_json.h"

namespace aioconform::report {

nlohmann::json matrix_to_json(const conformance_matrix& m) {
  using nlohmann::json;
  json runtimes = json::array();
  for (const runtime_column& r : m.runtimes()) {
    runtimes.push_back({{"name", r.name},
                        {"profile", r.profile},
                        {"note", r.note},
                        {"golden_traces", r.golden_traces},
                        {"sample_cases", r.sample_cases}});
  }
  json rows = json::array();
  for (const clause_entry& c : m.rows()) {
    json cells = json::object();
    for (const runtime_column& r : m.runtimes()) {
      const cell_counts n = m.counts(c.id, r.name);
      cells[r.name] = {{"status", status_name(m.status(c.id, r.name))},
                       {"passes", n.passes},
                       {"known_deviations", n.known_deviations},
                       {"unexplained", n.unexplained},
                       {"not_applicable", n.not_applicable},
                       {"counterexamples", m.examples_of(c.id, r.name)}};
    }
    rows.push_back({{"clause", c.id}, {"family", c.family}, {"cells", std::move(cells)}});
  }
  json examples = json::array();
  for (const counterexample& e : m.counterexamples()) {
    examples.push_back({{"runtime", e.runtime},
                        {"clause", e.clause},
                        {"scenario", e.scenario},
                        {"origin", e.origin},
                        {"known", e.known},
                        {"explanation", e.explanation},
                        {"reproduce", e.reproduce}});
  }
  return {{"format", "aioconform.matrix/1"},
          {"command", m.command},
          {"runtimes", std::move(runtimes)},
          {"clauses", std::move(rows)},
          {"counterexamples", std::move(examples)}};
}

}  // namespace aioconform::report
