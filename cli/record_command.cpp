// aioconform record: run every golden scenario on runtimes and store their traces as goldens.

#include <fmt/format.h>

#include <cstdio>
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

namespace aioconform::cli {
namespace {

struct record_options {
  std::vector<std::string> runtimes;
  std::string scenarios = "*";
  std::optional<std::string> golden;
  bool update = false;
  std::size_t jobs = 2;
  double timeout = default_timeout_seconds;
  double time_budget = 0;
  std::optional<std::string> config;
};

// What recording did on one runtime.
struct record_tally {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t kept = 0;         // differs from the golden, which was not overwritten
  std::size_t unsupported = 0;  // of the stored traces, those saying a feature is missing
  std::size_t failed = 0;
  std::size_t not_run = 0;  // left when the run was interrupted or its time budget was spent
};

std::string first_difference_text(const std::optional<std::string>& golden,
                                  const std::string& now) {
  return describe_line_difference(golden.value_or(""), now, 6);
}

exit_code record(const record_options& options, const cli_context& context) {
  const golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                          : default_golden_dir());
  std::vector<format::scenario> scenarios;
  for (const auto& name : store.scenario_names()) {
    if (matches_glob(options.scenarios, name)) scenarios.push_back(store.load_scenario(name));
  }
  if (scenarios.empty()) {
    throw cli_error(fmt::format("no scenarios under {} match '{}'",
                                display_path(store.root() / "scenarios"), options.scenarios));
  }

  runtime_catalog catalog(options.config);
  std::vector<adapters::runtime_spec> runtimes;
  if (options.runtimes.empty()) {
    runtimes = catalog.all();
  } else {
    for (const auto& name : options.runtimes) runtimes.push_back(catalog.require(name));
  }
  if (runtimes.empty()) throw cli_error("no runtimes to record on (see 'aioconform runtimes')");

  fmt::print(
      "Recording {} scenario{} from {} on {} runtime{} (--jobs {}).\n"
      "Each trace goes to {}/<runtime>/<scenario>.json; only new, changed and failed "
      "ones are listed.\n\n",
      scenarios.size(), scenarios.size() == 1 ? "" : "s", display_path(store.root() / "scenarios"),
      runtimes.size(), runtimes.size() == 1 ? "" : "s", options.jobs,
      display_path(store.root() / "traces"));
  std::fflush(stdout);

  std::vector<record_tally> tallies(runtimes.size());
  std::mutex output;
  auto say = [&](const std::string& text) {
    std::lock_guard lock(output);
    fmt::print("{}\n", text);
    std::fflush(stdout);
  };

  const time_budget budget(options.time_budget);
  parallel_for(runtimes.size(), options.jobs, [&](std::size_t r) {
    const auto& runtime = runtimes[r];
    auto& tally = tallies[r];
    adapters::adapter_session session(runtime, session_options_for(options.timeout));
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      const auto& scenario = scenarios[i];
      if (interrupted() || budget.spent()) {
        tally.not_run = scenarios.size() - i;
        break;
      }
      const auto result = session.run(scenario.source);
      if (interrupted() && result.status == adapters::run_status::runtime_failure) {
        // Abandoned by the interrupt, not a failure of the runtime.
        tally.not_run = scenarios.size() - i;
        break;
      }
      if (result.status == adapters::run_status::error ||
          result.status == adapters::run_status::runtime_failure) {
        ++tally.failed;
        say(fmt::format("  FAILED   {}  {}\n    {}\n    reproduce: {}", runtime.name, scenario.name,
                        result.message,
                        reproduce_command(context, store.scenario_path(scenario.name), runtime,
                                          catalog.config_file())));
        continue;
      }
      const std::string bytes = format::canonical_document(result.trace);
      try {
        const auto previous = store.read_trace(runtime.name, scenario.name);
        switch (store.write_trace(runtime.name, scenario.name, bytes, options.update)) {
          case golden_store::write_outcome::created:
            ++tally.created;
            say(fmt::format("  new      {}  {}", runtime.name, scenario.name));
            break;
          case golden_store::write_outcome::unchanged:
            ++tally.unchanged;
            break;
          case golden_store::write_outcome::updated:
            ++tally.updated;
            say(fmt::format("  updated  {}  {}\n    {}", runtime.name, scenario.name,
                            first_difference_text(previous, bytes)));
            break;
          case golden_store::write_outcome::kept:
            ++tally.kept;
            say(fmt::format("  DIFFERS  {}  {}: differs (not overwritten; use --update)\n    {}",
                            runtime.name, scenario.name, first_difference_text(previous, bytes)));
            break;
        }
        if (result.status == adapters::run_status::unsupported) ++tally.unsupported;
      } catch (const std::exception& e) {
        ++tally.failed;
        say(fmt::format("  FAILED   {}  {}: cannot store the golden: {}", runtime.name,
                        scenario.name, e.what()));
      }
    }
  });

  text_table table({"runtime", "scenarios", "new", "updated", "unchanged", "differ (kept)",
                    "unsupported", "failed"});
  for (std::size_t c = 1; c < 8; ++c) table.align_right(c);
  record_tally total;
  for (std::size_t r = 0; r < runtimes.size(); ++r) {
    const auto& t = tallies[r];
    table.add_row({runtimes[r].name, std::to_string(scenarios.size()), std::to_string(t.created),
                   std::to_string(t.updated), std::to_string(t.unchanged), std::to_string(t.kept),
                   std::to_string(t.unsupported), std::to_string(t.failed)});
    total.created += t.created;
    total.updated += t.updated;
    total.unchanged += t.unchanged;
    total.kept += t.kept;
    total.unsupported += t.unsupported;
    total.failed += t.failed;
    total.not_run += t.not_run;
  }
  fmt::print("\n{}", table.str());
  fmt::print(
      "\n  unsupported: stored traces saying the runtime lacks a feature the scenario needs\n"
      "  failed:      the adapter could not run the scenario; no golden was written\n\n");

  exit_code code = exit_code::ok;
  if (total.not_run > 0) {
    // Every golden listed above is complete on disk (written atomically); the rest were
    // never started.
    fmt::print("PARTIAL: {}; {} scenario run{} not started. The goldens written are complete.\n",
               interrupted()
                   ? "interrupted by " + interrupt_signal_name()
                   : fmt::format("the time budget of {:g} s was spent", options.time_budget),
               total.not_run, total.not_run == 1 ? " was" : "s were");
    code = worse(code, exit_code::failure);
  }
  if (total.kept > 0) {
    fmt::print(
        "{} golden{} differ from what the runtime does now and were kept. Check the "
        "differences above; re-run with --update to replace them.\n",
        total.kept, total.kept == 1 ? "" : "s");
    code = worse(code, exit_code::finding);
  }
  if (total.failed > 0) {
    fmt::print("{} scenario run{} failed (see FAILED above); their goldens were not written.\n",
               total.failed, total.failed == 1 ? "" : "s");
    code = worse(code, exit_code::failure);
  }
  if (code == exit_code::ok) {
    fmt::print("Recorded: {} new, {} updated, {} unchanged.\n", total.created, total.updated,
               total.unchanged);
  }
  return code;
}

}  // namespace

command add_record_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<record_options>();
  CLI::App* app = parent.add_subcommand(
      "record", "Run golden scenarios on runtimes and store their traces as goldens");
  app->footer(
      "Traces go to GOLDEN/traces/<runtime>/<scenario>.json. An existing golden that differs is "
      "kept and reported (exit 1) unless --update is given. Exit status: 0 all recorded, 1 "
      "goldens differ, 2 a runtime failed, bad input, or the --time-budget ran out (partial), "
      "130/143 interrupted by SIGINT/SIGTERM (partial; finished goldens are kept).");
  app->add_option("--runtime", options->runtimes,
                  "Runtime to record (repeatable; default: every runtime 'aioconform runtimes' "
                  "lists)");
  add_scenarios_option(*app, options->scenarios);
  add_golden_option(*app, options->golden);
  app->add_flag("--update", options->update, "Replace goldens that differ");
  add_jobs_option(*app, options->jobs, "Runtimes recorded in parallel");
  add_timeout_option(*app, options->timeout);
  add_time_budget_option(*app, options->time_budget);
  app->add_option("--config", options->config, "Runtime configuration file");
  return {app, [options, context] { return record(*options, context); }};
}

}  // namespace aioconform::cli
