// aioconform replay: the golden regression check. Re-runs every recorded golden and compares
// the new trace with the recorded one, byte for byte.

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter_session.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/interrupt.h"
#include "cli/parallel_for.h"
#include "cli/reproduce_command.h"
#include "cli/runtime_catalog.h"
#include "cli/text_table.h"
#include "cli/timeout_option.h"
#include "cli/trace_difference.h"
#include "format/canonical_json.h"
#include "format/format_error.h"
#include "format/trace_codec.h"

namespace aioconform::cli {
namespace {

struct replay_options {
  std::vector<std::string> runtimes;
  std::string scenarios = "*";
  std::optional<std::string> golden;
  std::size_t jobs = 2;
  bool skip_missing = false;
  double timeout = default_timeout_seconds;
  double time_budget = 0;
  std::optional<std::string> config;
};

// One runtime's share of the check.
struct runtime_replay {
  adapters::runtime_spec runtime;
  std::vector<std::string> scenarios;  // recorded for this runtime and selected
  std::size_t reproduced = 0;          // same trace as recorded
  std::size_t unsupported = 0;         // same trace, which says a feature is missing
  std::vector<std::string> differences;
  std::vector<std::string> failures;
  std::size_t not_run = 0;  // left when the run was interrupted or its time budget was spent
  std::vector<std::string> retried;  // real clock: reproduced only on a later attempt
};

// A real-clock runtime's trace is stamped in units, so a stall of a whole unit (a loaded
// machine) can reorder timers: that is the stated tolerance (docs/adapter-protocol.md). A
// difference on such a runtime is run again this many more times before it counts, and a
// scenario that reproduces on a later attempt is listed as such.
constexpr int real_clock_attempts = 3;

// The runtimes to check, each with the goldens recorded for it.
std::vector<runtime_replay> plan(const replay_options& options, const golden_store& store,
                                 runtime_catalog& catalog, std::vector<std::string>& not_checked) {
  std::vector<runtime_replay> plan;
  auto add = [&](adapters::runtime_spec runtime) {
    runtime_replay entry{std::move(runtime), {}, 0, 0, {}, {}, 0, {}};
    for (const auto& name : store.trace_names(entry.runtime.name)) {
      if (matches_glob(options.scenarios, name)) entry.scenarios.push_back(name);
    }
    plan.push_back(std::move(entry));
  };

  if (!options.runtimes.empty()) {
    std::vector<std::string> missing;
    for (const auto& name : options.runtimes) {
      if (auto runtime = catalog.find(name)) {
        add(std::move(*runtime));
      } else {
        missing.push_back(name);
      }
    }
    if (!missing.empty()) {
      const std::string message = catalog.missing_message(missing);
      if (!options.skip_missing) throw cli_error(message);
      if (plan.empty()) throw cli_error(message + "; nothing to replay", exit_code::skipped);
      fmt::print("Not checked (not installed here): {}\n", fmt::join(missing, ", "));
    }
    for (const auto& entry : plan) {
      if (store.trace_names(entry.runtime.name).empty()) {
        throw cli_error(fmt::format(
            "runtime {} has no golden traces under {}; record them first with "
            "'aioconform record --runtime {}'",
            entry.runtime.name, display_path(store.root() / "traces" / entry.runtime.name),
            entry.runtime.name));
      }
    }
    return plan;
  }

  const auto recorded = store.trace_runtimes();
  if (recorded.empty()) {
    throw cli_error(fmt::format("no golden traces under {}; record some with 'aioconform record'",
                                display_path(store.root() / "traces")));
  }
  for (const auto& name : recorded) {
    if (auto runtime = catalog.find(name)) {
      add(std::move(*runtime));
    } else {
      not_checked.push_back(name);
    }
  }
  if (plan.empty()) {
    throw cli_error(fmt::format("goldens exist for {} but none of these runtimes is installed here",
                                fmt::join(recorded, ", ")),
                    options.skip_missing ? exit_code::skipped : exit_code::failure);
  }
  return plan;
}

void replay_runtime(runtime_replay& entry, const golden_store& store, const replay_options& options,
                    const cli_context& context, runtime_catalog& catalog, const time_budget& budget,
                    const std::function<void(const std::string&)>& say) {
  const auto started = std::chrono::steady_clock::now();
  adapters::adapter_session session(entry.runtime, session_options_for(options.timeout));
  const auto& runtime = entry.runtime;
  for (std::size_t i = 0; i < entry.scenarios.size(); ++i) {
    const std::string& name = entry.scenarios[i];
    if (interrupted() || budget.spent()) {
      entry.not_run = entry.scenarios.size() - i;
      break;
    }
    const std::string reproduce =
        reproduce_command(context, store.scenario_path(name), runtime, catalog.config_file());
    std::optional<format::scenario> scenario;
    try {
      scenario = store.load_scenario(name);
    } catch (const std::exception& e) {
      entry.failures.push_back(fmt::format("{}  {}\n    the golden trace has no valid scenario: {}",
                                           runtime.name, name, e.what()));
      continue;
    }
    try {
      // A hand-edited or corrupted golden is bad input, not a regression of the runtime.
      (void)format::load_trace(store.trace_path(runtime.name, name));
    } catch (const format::format_error& e) {
      entry.failures.push_back(
          fmt::format("{}  {}\n    the golden trace is invalid: {}", runtime.name, name, e.what()));
      continue;
    }
    auto result = session.run(scenario->source);
    const std::string golden = store.read_trace(runtime.name, name).value_or("");
    const auto canonical_trace = [&] {
      return result.status == adapters::run_status::ok ||
                     result.status == adapters::run_status::unsupported
                 ? format::canonical_document(result.trace)
                 : std::string();
    };
    std::string now = canonical_trace();
    const bool real_clock =
        result.trace.is_object() &&
        result.trace.value("runtime", nlohmann::json::object()).value("clock", "") == "real";
    for (int attempt = 2; real_clock && attempt <= real_clock_attempts &&
                          result.status == adapters::run_status::ok && now != golden;
         ++attempt) {
      result = session.run(scenario->source);
      now = canonical_trace();
      if (now == golden) {
        entry.retried.push_back(fmt::format("{}  {}: reproduced on attempt {} of {}", runtime.name,
                                            name, attempt, real_clock_attempts));
      }
    }
    if (interrupted() && result.status == adapters::run_status::runtime_failure) {
      entry.not_run = entry.scenarios.size() - i;  // abandoned by the interrupt
      break;
    }
    if (result.status == adapters::run_status::error ||
        result.status == adapters::run_status::runtime_failure) {
      entry.failures.push_back(fmt::format("{}  {}\n    {}\n    reproduce: {}", runtime.name, name,
                                           result.message, reproduce));
      continue;
    }
    if (now == golden) {
      ++(result.status == adapters::run_status::unsupported ? entry.unsupported : entry.reproduced);
      continue;
    }
    entry.differences.push_back(
        fmt::format("{}  {}\n    {}\n    reproduce: {}", runtime.name, name,
                    describe_golden_difference(golden, result.trace, now, 4), reproduce));
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  say(fmt::format("  checked {:<24} {} scenario{} in {:.1f} s{}", entry.runtime.name,
                  entry.scenarios.size(), entry.scenarios.size() == 1 ? "" : "s", seconds,
                  entry.differences.empty() && entry.failures.empty() ? "" : "  (problems below)"));
}

exit_code replay(const replay_options& options, const cli_context& context) {
  const golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                          : default_golden_dir());
  runtime_catalog catalog(options.config);
  std::vector<std::string> not_checked;
  auto entries = plan(options, store, catalog, not_checked);

  std::size_t total_scenarios = 0;
  for (const auto& entry : entries) total_scenarios += entry.scenarios.size();
  fmt::print(
      "Golden regression check: replaying {} recorded trace{} on {} runtime{} from {}.\n"
      "Each golden trace ({}/<runtime>/<scenario>.json) is what that runtime did when the\n"
      "golden was recorded. Replay runs the scenario again on the same runtime and compares\n"
      "the new trace with the golden, byte for byte.\n\n",
      total_scenarios, total_scenarios == 1 ? "" : "s", entries.size(),
      entries.size() == 1 ? "" : "s", display_path(store.root()),
      display_path(store.root() / "traces"));
  std::fflush(stdout);

  std::mutex output;
  const std::function<void(const std::string&)> say = [&](const std::string& text) {
    std::lock_guard lock(output);
    fmt::print("{}\n", text);
    std::fflush(stdout);
  };
  const time_budget budget(options.time_budget);
  parallel_for(entries.size(), options.jobs, [&](std::size_t i) {
    replay_runtime(entries[i], store, options, context, catalog, budget, say);
  });

  text_table table({"runtime", "scenarios", "reproduced", "differ", "unsupported", "failed"});
  for (std::size_t c = 1; c < 6; ++c) table.align_right(c);
  std::size_t reproduced = 0;
  std::size_t unsupported = 0;
  std::vector<std::string> differences;
  std::vector<std::string> failures;
  std::vector<std::string> retried;
  std::size_t not_run = 0;
  for (const auto& entry : entries) {
    not_run += entry.not_run;
    retried.insert(retried.end(), entry.retried.begin(), entry.retried.end());
    table.add_row({entry.runtime.name, std::to_string(entry.scenarios.size()),
                   std::to_string(entry.reproduced), std::to_string(entry.differences.size()),
                   std::to_string(entry.unsupported), std::to_string(entry.failures.size())});
    reproduced += entry.reproduced;
    unsupported += entry.unsupported;
    differences.insert(differences.end(), entry.differences.begin(), entry.differences.end());
    failures.insert(failures.end(), entry.failures.begin(), entry.failures.end());
  }
  table.add_row({"total", std::to_string(total_scenarios), std::to_string(reproduced),
                 std::to_string(differences.size()), std::to_string(unsupported),
                 std::to_string(failures.size())});
  fmt::print("\n{}", table.str());
  fmt::print(
      "\n  reproduced   the runtime produced exactly the golden trace\n"
      "  differ       the runtime now behaves differently from the golden (details below)\n"
      "  unsupported  reproduced, but the golden only says the runtime lacks a feature the\n"
      "               scenario needs, so its behaviour was not exercised\n"
      "  failed       the scenario could not be run: adapter error, crash or timeout\n");
  if (!not_checked.empty()) {
    fmt::print("\nNot checked (goldens exist, runtime not installed here): {}\n",
               fmt::join(not_checked, ", "));
  }
  if (!retried.empty()) {
    fmt::print(
        "\nReproduced only on a later attempt (a real-clock runtime: a stall of a whole unit\n"
        "can reorder its timers, the stated tolerance; at most {} attempts):\n",
        real_clock_attempts);
    for (const auto& text : retried) fmt::print("  {}\n", text);
  }
  if (!differences.empty()) {
    fmt::print("\nDifferences (golden = recorded trace, now = this run):\n");
    for (const auto& text : differences) fmt::print("  {}\n", text);
  }
  if (!failures.empty()) {
    fmt::print("\nFailures:\n");
    for (const auto& text : failures) fmt::print("  {}\n", text);
  }

  exit_code code = exit_code::ok;
  fmt::print("\n");
  if (!differences.empty()) {
    fmt::print(
        "REGRESSION: {} golden trace{} no longer reproduce{}. Either the runtime or the "
        "adapter changed\nbehaviour, or the golden is stale: if the new trace is right, "
        "re-record it with\n'aioconform record --update --runtime RUNTIME --scenarios "
        "SCENARIO'.\n",
        differences.size(), differences.size() == 1 ? "" : "s", differences.size() == 1 ? "s" : "");
    code = worse(code, exit_code::finding);
  }
  if (!failures.empty()) {
    fmt::print("INCOMPLETE: {} scenario{} could not be run, so {} not checked.\n", failures.size(),
               failures.size() == 1 ? "" : "s", failures.size() == 1 ? "it was" : "they were");
    code = worse(code, exit_code::failure);
  }
  if (not_run > 0) {
    fmt::print("PARTIAL: {}; {} golden{} not replayed, so not checked.\n",
               interrupted()
                   ? "interrupted by " + interrupt_signal_name()
                   : fmt::format("the time budget of {:g} s was spent", options.time_budget),
               not_run, not_run == 1 ? " was" : "s were");
    code = worse(code, exit_code::failure);
  }
  if (code == exit_code::ok) {
    fmt::print("OK: all {} golden trace{} reproduced on {} runtime{}.\n", total_scenarios,
               total_scenarios == 1 ? "" : "s", entries.size(), entries.size() == 1 ? "" : "s");
  }
  return code;
}

}  // namespace

command add_replay_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<replay_options>();
  CLI::App* app = parent.add_subcommand(
      "replay", "The golden regression check: re-run recorded goldens, compare byte for byte");
  app->footer(
      "Exit status: 0 every golden reproduced, 1 a golden no longer reproduces, 2 a scenario "
      "could not be run, bad input or the --time-budget ran out (partial), 77 (--skip-missing) the "
      "runtime is not installed, 130/143 interrupted by SIGINT/SIGTERM (partial).");
  app->add_option("--runtime", options->runtimes,
                  "Runtime to check (repeatable; default: every installed runtime that has "
                  "goldens)");
  add_scenarios_option(*app, options->scenarios);
  add_golden_option(*app, options->golden);
  add_jobs_option(*app, options->jobs, "Runtimes checked in parallel");
  app->add_flag("--skip-missing", options->skip_missing,
                "A --runtime that is not installed is skipped (exit 77 when nothing is left) "
                "instead of being an error");
  add_timeout_option(*app, options->timeout);
  add_time_budget_option(*app, options->time_budget);
  app->add_option("--config", options->config, "Runtime configuration file");
  return {app, [options, context] { return replay(*options, context); }};
}

}  // namespace aioconform::cli
