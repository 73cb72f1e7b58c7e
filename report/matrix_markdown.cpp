#include "report/matrix_markdown.h"

#include <fmt/format.h>

namespace aioconform::report {

std::string cell_label(const conformance_matrix& m, const std::string& clause,
                       const std::string& runtime) {
  const cell_counts n = m.counts(clause, runtime);
  switch (m.status(clause, runtime)) {
    case cell_status::deviation:
      if (n.unexplained > 0) return fmt::format("DEV {}", n.unexplained + n.known_deviations);
      return fmt::format("dev {}", n.known_deviations);
    case cell_status::pass:
      return fmt::format("ok {}", n.passes);
    case cell_status::not_applicable:
      return "n/a";
    case cell_status::not_exercised:
      return "-";
  }
  return "-";
}

std::string matrix_to_markdown(const conformance_matrix& m) {
  std::string out = "# aioconform conformance matrix\n\n";
  out += fmt::format("Regenerate: `{}`\n\n", m.command);
  out +=
      "Cells: `ok N` N traces of scenarios exercising the clause were accepted; `dev N` known "
      "deviations (spec/deviations.json); `DEV N` deviations including unexplained ones; `n/a` "
      "the runtime lacks a feature the scenarios need; `-` not exercised.\n\n";
  out += "| runtime | profile | golden traces | sample cases | note |\n|---|---|--:|--:|---|\n";
  for (const runtime_column& r : m.runtimes()) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", r.name, r.profile, r.golden_traces,
                       r.sample_cases, r.note);
  }
  std::string family;
  const auto rows = m.rows();
  for (const clause_entry& c : rows) {
    if (c.family != family) {
      family = c.family;
      out += fmt::format("\n## {}\n\n| clause |", family);
      for (const runtime_column& r : m.runtimes()) out += " " + r.name + " |";
      out += "\n|---|";
      for (std::size_t i = 0; i < m.runtimes().size(); ++i) out += "---|";
      out += "\n";
    }
    out += fmt::format("| `{}` |", c.id);
    for (const runtime_column& r : m.runtimes()) out += " " + cell_label(m, c.id, r.name) + " |";
    out += "\n";
  }
  if (!m.counterexamples().empty()) out += "\n## Counterexamples\n";
  for (std::size_t i = 0; i < m.counterexamples().size(); ++i) {
    const counterexample& e = m.counterexamples()[i];
    out +=
        fmt::format("\n### {}. {} on {}: `{}` ({})\n\n{}\n\nReproduce: `{}`\n\n```\n{}```\n", i + 1,
                    e.scenario, e.runtime, e.clause, e.known ? "known deviation" : "unexplained",
                    e.explanation, e.reproduce, e.timeline_text);
  }
  return out;
}

}  // namespace aioconform::report
