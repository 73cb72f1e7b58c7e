// aioconform diff: how two runtimes' recorded behaviour differs, scenario by scenario, and
// why: the model judges each runtime's trace under the other's version profile, so every
// difference is grouped by the clause that explains it and marked as a documented change
// (SPEC.md §12), an order the spec leaves open, a known deviation (spec/deviations.json) or
// an unexplained deviation.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/known_deviations.h"
#include "cli/reproduce_command.h"
#include "cli/trace_difference.h"
#include "format/json_file.h"
#include "report/behaviour_change.h"
#include "report/clause_catalog.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct diff_options {
  std::string runtime_a;
  std::string runtime_b;
  std::string scenarios = "*";
  std::optional<std::string> golden;
  std::optional<std::string> deviations;
  std::optional<std::string> spec;
};

/// SPEC.md's clauses; with no SPEC.md beside the goldens (and none named), an empty catalog:
/// no difference can then count as documented.
report::clause_catalog load_catalog(const diff_options& options, const golden_store& store) {
  if (options.spec) return report::clause_catalog::load(*options.spec);
  const auto beside = store.root().parent_path() / "spec" / "SPEC.md";
  if (std::filesystem::is_regular_file(beside)) return report::clause_catalog::load(beside);
  return report::clause_catalog::parse("");
}

std::optional<std::string> known_clause(const known_deviations& known, const std::string& runtime,
                                        const std::string& scenario) {
  const known_deviation* d = known.find(runtime, scenario);
  return d ? std::optional(d->clause) : std::nullopt;
}

/// The order groups are printed in: what needs a look last, nearest the summary line.
constexpr report::change_kind kind_order[] = {
    report::change_kind::documented_change, report::change_kind::open_order,
    report::change_kind::known_deviation, report::change_kind::unexplained};

std::vector<std::string> recorded(const golden_store& store, const std::string& runtime,
                                  const std::string& pattern) {
  const auto names = store.trace_names(runtime);
  if (names.empty()) {
    throw cli_error(fmt::format("runtime {} has no golden traces under {}", runtime,
                                display_path(store.root() / "traces" / runtime)));
  }
  std::vector<std::string> selected;
  std::copy_if(names.begin(), names.end(), std::back_inserter(selected),
               [&](const std::string& name) { return matches_glob(pattern, name); });
  return selected;
}

exit_code diff(const diff_options& options) {
  const golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                          : default_golden_dir());
  const auto& a = options.runtime_a;
  const auto& b = options.runtime_b;
  const auto names_a = recorded(store, a, options.scenarios);
  const auto names_b = recorded(store, b, options.scenarios);

  std::vector<std::string> common;
  std::vector<std::string> only_a;
  std::vector<std::string> only_b;
  std::set_intersection(names_a.begin(), names_a.end(), names_b.begin(), names_b.end(),
                        std::back_inserter(common));
  std::set_difference(names_a.begin(), names_a.end(), names_b.begin(), names_b.end(),
                      std::back_inserter(only_a));
  std::set_difference(names_b.begin(), names_b.end(), names_a.begin(), names_a.end(),
                      std::back_inserter(only_b));

  const known_deviations known =
      load_known_deviations(options.deviations ? std::filesystem::path(*options.deviations)
                                               : default_deviations_path(store.root()));
  const report::clause_catalog catalog = load_catalog(options, store);

  // kind -> clause -> the scenarios' reports.
  std::map<report::change_kind, std::map<std::string, std::vector<std::string>>> groups;
  std::size_t differing = 0;
  for (const auto& name : common) {
    const auto trace_a = format::load_json_file(store.trace_path(a, name));
    const auto trace_b = format::load_json_file(store.trace_path(b, name));
    const auto found = first_behaviour_difference(trace_a, trace_b);
    if (!found) continue;
    ++differing;
    report::behaviour_change change;
    try {
      change = report::classify_change(store.load_scenario(name), trace_a, trace_b, catalog,
                                       known_clause(known, a, name), known_clause(known, b, name));
    } catch (const model::scenario_error& e) {
      change = {report::change_kind::unexplained, "", "the model cannot run it: " + e.message};
    }
    std::string text = fmt::format("    {}\n      {}\n      {}", name, change.explanation,
                                   describe_behaviour_difference(*found, a, b, 6));
    groups[change.kind][change.clause.empty() ? "(no clause)" : change.clause].push_back(
        std::move(text));
  }

  fmt::print("Comparing the golden traces of {} and {} ({}), ignoring the runtime object.\n", a, b,
             display_path(store.root() / "traces"));
  fmt::print("{} scenario{} recorded for both: {} behave the same, {} differ.\n", common.size(),
             common.size() == 1 ? "" : "s", common.size() - differing, differing);
  for (const report::change_kind kind : kind_order) {
    const auto group = groups.find(kind);
    if (group == groups.end()) continue;
    std::size_t count = 0;
    for (const auto& [clause, texts] : group->second) count += texts.size();
    fmt::print("\n{}: {} scenario{}\n", report::change_kind_name(kind), count,
               count == 1 ? "" : "s");
    for (const auto& [clause, texts] : group->second) {
      fmt::print("  {}\n", clause);
      for (const std::string& text : texts) fmt::print("{}\n", text);
    }
  }
  if (!only_a.empty()) fmt::print("\nOnly recorded for {}: {}\n", a, fmt::join(only_a, ", "));
  if (!only_b.empty()) fmt::print("\nOnly recorded for {}: {}\n", b, fmt::join(only_b, ", "));
  return differing == 0 ? exit_code::ok : exit_code::finding;
}

}  // namespace

command add_diff_command(CLI::App& parent, const cli_context& /*context*/) {
  auto options = std::make_shared<diff_options>();
  CLI::App* app = parent.add_subcommand(
      "diff", "Show where two runtimes' golden traces behave differently (runs nothing)");
  app->footer(
      "Compares GOLDEN/traces/RUNTIME_A and RUNTIME_B scenario by scenario, ignoring the runtime "
      "object, and groups the differences by the clause that explains them: a documented change "
      "(SPEC.md section 12), an order the spec leaves open (each trace is allowed under the "
      "other's profile), a known deviation (spec/deviations.json) or an unexplained deviation. "
      "Exit status: 0 same behaviour, 1 some scenarios differ, 2 bad input.");
  app->add_option("RUNTIME_A", options->runtime_a, "First runtime")->required();
  app->add_option("RUNTIME_B", options->runtime_b, "Second runtime")->required();
  add_scenarios_option(*app, options->scenarios);
  add_golden_option(*app, options->golden);
  app->add_option("--deviations", options->deviations,
                  "Known-deviation list (default: spec/deviations.json beside the goldens)");
  app->add_option("--spec", options->spec, "SPEC.md (default: spec/SPEC.md beside the goldens)");
  return {app, [options] { return diff(*options); }};
}

}  // namespace aioconform::cli
