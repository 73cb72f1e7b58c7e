// aioconform diff: how two runtimes' recorded behaviour differs, scenario by scenario.

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/reproduce_command.h"
#include "cli/trace_difference.h"
#include "format/json_file.h"

namespace aioconform::cli {
namespace {

struct diff_options {
  std::string runtime_a;
  std::string runtime_b;
  std::string scenarios = "*";
  std::optional<std::string> golden;
};

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

  std::vector<std::string> reports;
  for (const auto& name : common) {
    const auto trace_a = format::load_json_file(store.trace_path(a, name));
    const auto trace_b = format::load_json_file(store.trace_path(b, name));
    const auto found = first_behaviour_difference(trace_a, trace_b);
    if (!found) continue;
    std::string text = name + "\n  " + describe_behaviour_difference(*found, a, b, 2);
    reports.push_back(std::move(text));
  }

  fmt::print("Comparing the golden traces of {} and {} ({}), ignoring the runtime object.\n", a, b,
             display_path(store.root() / "traces"));
  fmt::print("{} scenario{} recorded for both: {} behave the same, {} differ.\n", common.size(),
             common.size() == 1 ? "" : "s", common.size() - reports.size(), reports.size());
  for (const auto& text : reports) fmt::print("\n{}\n", text);
  if (!only_a.empty()) fmt::print("\nOnly recorded for {}: {}\n", a, fmt::join(only_a, ", "));
  if (!only_b.empty()) fmt::print("\nOnly recorded for {}: {}\n", b, fmt::join(only_b, ", "));
  return reports.empty() ? exit_code::ok : exit_code::finding;
}

}  // namespace

command add_diff_command(CLI::App& parent, const cli_context& /*context*/) {
  auto options = std::make_shared<diff_options>();
  CLI::App* app = parent.add_subcommand(
      "diff", "Show where two runtimes' golden traces behave differently (runs nothing)");
  app->footer(
      "Compares GOLDEN/traces/RUNTIME_A and RUNTIME_B scenario by scenario, ignoring the runtime "
      "object. Exit status: 0 same behaviour, 1 some scenarios differ, 2 bad input.");
  app->add_option("RUNTIME_A", options->runtime_a, "First runtime")->required();
  app->add_option("RUNTIME_B", options->runtime_b, "Second runtime")->required();
  add_scenarios_option(*app, options->scenarios);
  add_golden_option(*app, options->golden);
  return {app, [options] { return diff(*options); }};
}

}  // namespace aioconform::cli
