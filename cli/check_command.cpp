// aioconform check: live conformance of one runtime. Random scenarios (the properties'
// generators, realized for the runtime's version profile) run on the runtime; the model
// judges each trace; a nonconformance is shrunk to a minimal scenario on the live runtime,
// explained (clause, event, allowed vs observed), saved to the findings folder and printed
// with the command that replays exactly that case. Known deviations of the runtime
// (spec/deviations.json) are expected failures: counted, not findings; and each listed
// golden is re-run, so a deviation that no longer reproduces is reported (strict).

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter_session.h"
#include "adapters/command_line.h"
#include "adapters/runtime_config.h"
#include "cli/check_report.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/interrupt.h"
#include "cli/known_deviations.h"
#include "cli/parallel_for.h"
#include "cli/profile_option.h"
#include "cli/runtime_catalog.h"
#include "cli/text_table.h"
#include "cli/timeout_option.h"
#include "conformance/case_runner.h"
#include "conformance/case_source.h"
#include "conformance/clause_coverage.h"
#include "conformance/exhaustive_cases.h"
#include "conformance/findings.h"
#include "conformance/live_judge.h"
#include "conformance/progress_line.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct check_options {
  std::optional<std::string> runtime;
  std::optional<std::string> runtime_cmd;
  std::string runtime_name = "custom";
  std::vector<std::string> runtime_env;
  std::optional<std::string> config;
  std::size_t cases = 100;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> only_case;
  std::optional<std::string> clauses;
  std::optional<std::string> profile;
  std::size_t jobs = 1;
  std::optional<std::string> shard;
  double time_budget = 0;
  double timeout = default_timeout_seconds;
  std::string findings = "aioconform-findings";
  std::optional<std::string> golden;
  std::optional<std::string> deviations;
  std::size_t max_shrinks = 300;
  std::size_t max_schedules = conformance::default_max_schedules;
  std::optional<std::string> report_json;
  std::optional<std::string> junit;
  std::optional<std::string> dump_scenarios;
  // Set by run_check_all: the runtime, already found (discovery probes every interpreter).
  std::optional<adapters::runtime_spec> discovered;
  std::optional<std::string> exhaustive;
};

adapters::runtime_spec chosen_runtime(const check_options& options) {
  adapters::runtime_spec spec;
  if (options.discovered) {
    spec = *options.discovered;
  } else if (options.runtime == conformance::impl_runtime_name) {
    spec.name = conformance::impl_runtime_name;
  } else if (options.runtime_cmd) {
    try {
      spec = adapters::runtime_from_command(*options.runtime_cmd, options.runtime_name);
    } catch (const std::invalid_argument& e) {
      throw cli_error(fmt::format("--runtime-cmd: {}", e.what()));
    }
  } else {
    runtime_catalog catalog(options.config);
    spec = catalog.require(*options.runtime);
  }
  for (const std::string& kv : options.runtime_env) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw cli_error("--runtime-env: expected K=V, got '" + kv + "'");
    }
    spec.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return spec;
}

/// "K/N": this run takes the cases whose index is K-1 modulo N.
std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      const std::uint64_t k = std::stoull(text.substr(0, slash));
      const std::uint64_t n = std::stoull(text.substr(slash + 1));
      if (n > 0 && k >= 1 && k <= n) return {k - 1, n};
    }
  } catch (const std::exception&) {
  }
  throw cli_error("--shard: expected K/N with 1 <= K <= N, got '" + text + "'");
}

// Adds "partial" to a written --report-json, so tools reading it know cases are missing.
void mark_report_partial(const std::filesystem::path& path, std::size_t not_run) {
  nlohmann::json report = nlohmann::json::parse(std::ifstream(path));
  report["partial"] = {{"cases_not_run", not_run},
                       {"reason", interrupted() ? interrupt_signal_name() : "time budget"}};
  std::ofstream(path) << report.dump(2) << "\n";
}

std::vector<std::string> summary_columns() {
  // "inconclusive" counts conforming cases the model accepted only because its schedule
  // search reached the limit: blind spots, not findings.
  return {"runtime",  "profile",          "cases",        "conform", "known deviations",
          "findings", "runtime failures", "inconclusive", "seconds"};
}

struct tally {
  std::size_t run = 0, conforms = 0, skipped = 0, deviations = 0, findings = 0, failures = 0;
  /// Conforming cases the model accepted only because its schedule limit was reached.
  std::vector<std::uint64_t> inconclusive;
};

/// One runtime's line of the results table.
struct runtime_summary {
  std::vector<std::string> row;
  exit_code code = exit_code::ok;
};

runtime_summary run_check(const check_options& options, const cli_context& context) {
  const adapters::runtime_spec runtime = chosen_runtime(options);
  const std::uint64_t seed = options.seed ? *options.seed : std::random_device{}();
  const auto [shard_index, shard_count] =
      options.shard ? parse_shard(*options.shard) : std::pair<std::uint64_t, std::uint64_t>{0, 1};
  const golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                          : default_golden_dir());
  const std::optional<model::profile> forced =
      options.profile ? std::optional(profile_option(*options.profile)) : std::nullopt;
  const known_deviations known =
      load_known_deviations(options.deviations ? std::filesystem::path(*options.deviations)
                                               : default_deviations_path(store.root()));

  // One runner (an adapter process, or impl in-process) per job; the first tells us who
  // the runtime is.
  const std::size_t jobs = std::max<std::size_t>(1, options.jobs);
  std::vector<std::unique_ptr<conformance::case_runner>> runners;
  for (std::size_t j = 0; j < jobs; ++j) {
    runners.push_back(
        runtime.name == conformance::impl_runtime_name && !options.runtime_cmd
            ? conformance::impl_runner()
            : conformance::adapter_runner(runtime, session_options_for(options.timeout)));
  }
  const nlohmann::json runtime_object = runners[0]->runtime();
  const std::optional<model::profile> profile =
      forced ? forced : model::profile_of_runtime(runtime_object);
  if (!profile) {
    throw cli_error("runtime " + runtime.name + " reports version " +
                    runtime_object.value("version", "?") +
                    ", which has no version profile; pass --profile");
  }
  std::optional<conformance::exhaustive_bounds> bounds;
  if (options.exhaustive) {
    try {
      bounds = conformance::parse_exhaustive_bounds(*options.exhaustive);
    } catch (const std::invalid_argument& e) {
      throw cli_error(e.what());
    }
  }
  const std::uint64_t case_count =
      bounds ? conformance::exhaustive_case_count(*bounds) : options.cases;
  const std::set<std::string> deviation_clauses = known.clauses_for(runtime.name, runtime_object);

  const std::string base_command =
      fmt::format("{} check {} --seed {}", context.program,
                  options.runtime_cmd
                      ? "--runtime-cmd " + adapters::join_command_line({*options.runtime_cmd})
                      : "--runtime " + *options.runtime,
                  seed) +
      (options.exhaustive ? " --exhaustive " + *options.exhaustive : "") +
      // What else decides a case's verdict, so that the line reproduces it exactly.
      (options.profile ? " --profile " + *options.profile : "") +
      (options.max_schedules != conformance::default_max_schedules
           ? fmt::format(" --max-schedules {}", options.max_schedules)
           : "");
  fmt::print("Live conformance check of {} under profile {} (seed {}, {} case{}{}).\n",
             runtime.name, profile->name(), seed, options.only_case ? 1 : case_count,
             options.only_case || case_count == 1 ? "" : "s",
             shard_count > 1 ? fmt::format(", shard {}/{}", shard_index + 1, shard_count) : "");
  std::fflush(stdout);

  std::vector<std::uint64_t> indices;
  if (options.only_case) {
    indices.push_back(*options.only_case);
  } else {
    for (std::uint64_t i = 0; i < case_count; ++i) {
      if (i % shard_count == shard_index) indices.push_back(i);
    }
  }
  const auto started = std::chrono::steady_clock::now();
  std::mutex lock;
  tally counts;
  check_report report_data;
  report_data.runtime = runtime.name;
  report_data.profile = profile->name();
  report_data.seed = seed;
  conformance::progress_line progress(runtime.name, indices.size());
  // A case, generated and simulated, ready to run.
  struct prepared_case {
    rc::Shrinkable<conformance::live_case> shrinkable;
    conformance::live_case c;
    std::set<std::string> involved;
    std::optional<model::simulation> simulated;
    bool skipped = false;  // no clause matching --clauses
  };
  // How many cases are sent ahead of the one being judged. One left the adapter idle
  // whenever a judgement or a generation ran long; more only holds more requests in the pipe.
  constexpr std::size_t look_ahead = 2;
  auto prepare = [&](conformance::case_runner& runner, std::uint64_t index) {
    rc::Shrinkable<conformance::live_case> shrinkable =
        bounds ? conformance::make_exhaustive_case(*bounds, index)
               : conformance::make_case(seed, index, *profile);
    conformance::live_case c = shrinkable.value();
    prepared_case p{std::move(shrinkable), std::move(c), {}, std::nullopt, false};
    if (options.dump_scenarios) {
      // For bench/check_throughput: the same scenarios, run without the harness.
      std::ofstream(std::filesystem::path(*options.dump_scenarios) /
                    ("case-" + std::to_string(index) + ".json"))
          << p.c.document.dump() << "\n";
    }
    // The model's simulation of this case: the clauses of its transitions feed the
    // --clauses filter and the per-clause summary, and a trace equal to it is judged
    // without running the model again.
    try {
      p.simulated = model::simulate(p.c.scenario, *profile);
      p.involved = model::exercised_clauses(*p.simulated);
    } catch (const model::scenario_error&) {
    }
    p.skipped = options.clauses &&
                std::none_of(p.involved.begin(), p.involved.end(), [&](const std::string& clause) {
                  return matches_glob(*options.clauses, clause);
                });
    // An adapter starts it now, while this thread judges the case before it.
    if (!p.skipped) runner.run_ahead(p.c.document);
    return p;
  };
  parallel_for(jobs, jobs, [&](std::size_t job) {
    conformance::case_runner& runner = *runners[job];
    // Cases generated and sent ahead of the one being judged, oldest first: the adapter
    // always has the next request waiting, even when one judgement takes longer than a run.
    std::deque<prepared_case> ahead;
    std::size_t next_k = job;  // the next position of indices to prepare
    for (std::size_t k = job; k < indices.size(); k += jobs) {
      if (interrupted()) break;
      if (options.time_budget > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >
              options.time_budget) {
        break;
      }
      const std::uint64_t index = indices[k];
      // This case (prepared ahead, except the first) and the next ones, generated and sent
      // while the runtime runs this one.
      for (; ahead.size() <= look_ahead && next_k < indices.size(); next_k += jobs) {
        ahead.push_back(prepare(runner, indices[next_k]));
      }
      prepared_case current = std::move(ahead.front());
      ahead.pop_front();
      rc::Shrinkable<conformance::live_case>& shrinkable = current.shrinkable;
      const conformance::live_case& c = current.c;
      const std::set<std::string>& involved = current.involved;
      const std::optional<model::simulation>& simulated = current.simulated;
      if (current.skipped) {
        std::lock_guard guard(lock);
        ++counts.skipped;
        progress.case_done(false);
        continue;
      }
      auto judge = [&](const conformance::live_case& x) {
        return conformance::judge_live(runner, x, *profile, deviation_clauses, nullptr,
                                       options.max_schedules);
      };
      conformance::judged_case judged =
          conformance::judge_live(runner, c, *profile, deviation_clauses,
                                  simulated ? &*simulated : nullptr, options.max_schedules);
      // A case abandoned by the interrupt is not run; what was found before stays saved.
      if (interrupted() && judged.outcome == conformance::case_outcome::runtime_failure) break;
      const std::string reproduce = fmt::format("{} --case {}", base_command, index);
      std::optional<check_report::item> item;
      std::string report;
      if (judged.outcome == conformance::case_outcome::nonconformance) {
        conformance::shrunk_case small =
            conformance::shrink_failure(shrinkable, judged, judge, options.max_shrinks);
        const auto folder = conformance::write_finding(options.findings, runtime.name,
                                                       "case-" + std::to_string(index), small.value,
                                                       small.judged, *profile, reproduce);
        item = check_report::item{index, small.judged.verdict.clause,
                                  small.judged.verdict.explanation, folder.string(), reproduce};
        report = fmt::format(
            "NONCONFORMANCE case {} (shrunk in {} step{}, {} run{}): {}\n  saved: {}\n  "
            "without aioconform: python3 {}\n  reproduce: {}",
            index, small.steps, small.steps == 1 ? "" : "s", small.tried,
            small.tried == 1 ? "" : "s", small.judged.verdict.explanation, folder.string(),
            (folder / "repro.py").string(), reproduce);
      } else if (judged.outcome == conformance::case_outcome::runtime_failure) {
        report = fmt::format("RUNTIME FAILURE case {}: {}\n  reproduce: {}", index, judged.message,
                             reproduce);
        item = check_report::item{index, "", judged.message, "", reproduce};
      }
      std::lock_guard guard(lock);
      ++counts.run;
      for (const std::string& clause : involved) {
        auto& n = report_data.clauses[clause];
        ++n.cases;
        if (judged.outcome == conformance::case_outcome::conforms) ++n.passes;
      }
      if (judged.outcome == conformance::case_outcome::nonconformance) {
        ++report_data.clauses[item->clause].findings;
        report_data.finding_items.push_back(*item);
      } else if (judged.outcome == conformance::case_outcome::known_deviation) {
        ++report_data.clauses[judged.verdict.clause].deviations;
      } else if (judged.outcome == conformance::case_outcome::runtime_failure) {
        report_data.failure_items.push_back(*item);
      }
      switch (judged.outcome) {
        case conformance::case_outcome::conforms:
          ++counts.conforms;
          if (judged.verdict.inconclusive) counts.inconclusive.push_back(index);
          break;
        case conformance::case_outcome::known_deviation:
          ++counts.deviations;
          break;
        case conformance::case_outcome::nonconformance:
          ++counts.findings;
          break;
        case conformance::case_outcome::runtime_failure:
          ++counts.failures;
          break;
      }
      progress.case_done(judged.outcome == conformance::case_outcome::nonconformance);
      if (!report.empty()) {
        progress.clear();
        fmt::print("{}\n", report);
        std::fflush(stdout);
      }
    }
  });

  // Strict expected failures: each listed deviation of this runtime must still reproduce.
  std::size_t stale = 0;
  for (const known_deviation& d : known.entries) {
    if (!d.applies_to(runtime.name, runtime_object) || options.only_case || interrupted()) {
      continue;
    }
    const format::scenario sc = store.load_scenario(d.scenario);
    const adapters::run_result result = runners[0]->run(sc.source, sc);
    if (result.status != adapters::run_status::ok) continue;
    const model::verdict v = model::check(sc, result.trace, *profile);
    if (v.accepted || v.clause != d.clause) {
      ++stale;
      fmt::print("STALE DEVIATION {} on {}: listed as breaking {}, but the model {}\n", d.scenario,
                 runtime.name, d.clause,
                 v.accepted ? "accepts it now" : "rejects it citing " + v.clause);
    }
  }

  report_data.cases = counts.run;
  report_data.conforms = counts.conforms;
  std::sort(counts.inconclusive.begin(), counts.inconclusive.end());
  report_data.inconclusive = counts.inconclusive.size();
  report_data.deviations = counts.deviations;
  report_data.findings = counts.findings;
  report_data.failures = counts.failures;
  // Every clause of SPEC.md gets a row, exercised or not (clause coverage).
  std::size_t spec_clauses = 0, exercised = 0;
  try {
    for (const std::string& id :
         conformance::spec_clause_ids(conformance::default_spec_path(store.root()))) {
      ++spec_clauses;
      if (report_data.clauses[id].cases > 0) ++exercised;
    }
  } catch (const std::runtime_error&) {
  }
  fmt::print("\n{}", report_data.clause_table());
  if (spec_clauses > 0) {
    fmt::print("Clauses of SPEC.md exercised by these cases: {} of {}.\n", exercised, spec_clauses);
  }
  const std::size_t not_run = indices.size() - counts.run - counts.skipped;
  if (options.report_json) {
    report_data.write_json(*options.report_json);
    if (not_run > 0) mark_report_partial(*options.report_json, not_run);
  }
  if (options.junit) report_data.write_junit(*options.junit);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  runtime_summary summary;
  summary.row = {runtime.name,
                 profile->name(),
                 std::to_string(counts.run),
                 std::to_string(counts.conforms),
                 std::to_string(counts.deviations),
                 std::to_string(counts.findings),
                 std::to_string(counts.failures),
                 std::to_string(counts.inconclusive.size()),
                 fmt::format("{:.1f}", seconds)};
  text_table table(summary_columns());
  table.add_row(summary.row);
  fmt::print("\n{}", table.str());
  fmt::print("Checked {} case{} in {:.2f} s ({:.0f} cases/s).\n", counts.run,
             counts.run == 1 ? "" : "s", seconds,
             seconds > 0 ? static_cast<double>(counts.run) / seconds : 0.0);
  if (!counts.inconclusive.empty()) {
    // Counted as conforming, as the model's verdict says, but not proved: say which.
    std::string some;
    for (std::size_t i = 0; i < counts.inconclusive.size() && i < 10; ++i) {
      some += (i > 0 ? ", " : "") + std::to_string(counts.inconclusive[i]);
    }
    fmt::print(
        "{} of the conforming cases {} inconclusive: the model reached its schedule limit "
        "before finding the trace's schedule (case{} {}{}; --case K runs one again)\n",
        counts.inconclusive.size(), counts.inconclusive.size() == 1 ? "is" : "are",
        counts.inconclusive.size() == 1 ? "" : "s", some,
        counts.inconclusive.size() > 10 ? ", ..." : "");
  }
  if (counts.skipped > 0) {
    fmt::print("{} case{} skipped: no transition of a clause matching '{}'\n", counts.skipped,
               counts.skipped == 1 ? "" : "s", *options.clauses);
  }
  if (not_run > 0) {
    fmt::print("PARTIAL: {}; {} of {} cases not run. Findings saved so far are complete.\n",
               interrupted()
                   ? "interrupted by " + interrupt_signal_name()
                   : fmt::format("the time budget of {:g} s was spent", options.time_budget),
               not_run, indices.size());
  }
  exit_code code = exit_code::ok;
  if (counts.findings > 0 || stale > 0) code = exit_code::finding;
  if (counts.failures > 0) code = worse(code, exit_code::failure);
  summary.code = code;
  return summary;
}

/// Real-clock runtimes (uvloop) run each case in real time: they get at most this many
/// cases when every runtime is checked.
constexpr std::size_t real_clock_cases = 20;

/// `check` without --runtime: every runtime `aioconform runtimes` lists, one after the
/// other, then one table. The exit status is the worst of theirs.
exit_code run_check_all(const check_options& options, const cli_context& context) {
  runtime_catalog catalog(options.config);
  const std::vector<adapters::runtime_spec> runtimes = catalog.all();
  if (runtimes.empty()) throw cli_error("check: no runtime found (see 'aioconform runtimes')");
  check_options each = options;
  // One seed for all, so that every runtime gets the same cases and the run reproduces.
  if (!each.seed) each.seed = std::random_device{}();
  text_table table(summary_columns());
  exit_code code = exit_code::ok;
  for (const adapters::runtime_spec& runtime : runtimes) {
    each.runtime = runtime.name;
    each.discovered = runtime;
    each.cases = options.cases;
    // The runtime object says whether its clock is real; asking costs an adapter start,
    // so the name is used: uvloop is the only real-clock runtime discovery finds.
    if (runtime.name.rfind("uvloop", 0) == 0)
      each.cases = std::min(options.cases, real_clock_cases);
    fmt::print("\n== {} ==\n", runtime.name);
    std::fflush(stdout);
    try {
      const runtime_summary one = run_check(each, context);
      table.add_row(one.row);
      code = worse(code, one.code);
    } catch (const std::exception& e) {
      fmt::print("RUNTIME FAILURE {}: {}\n", runtime.name, e.what());
      table.add_row({runtime.name, "-", "0", "0", "0", "0", "start failed", "-", "-"});
      code = worse(code, exit_code::failure);
    }
    if (interrupted()) break;
  }
  fmt::print("\n== all runtimes (seed {}) ==\n{}", *each.seed, table.str());
  return code;
}

}  // namespace

command add_check_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<check_options>();
  CLI::App* app = parent.add_subcommand(
      "check", "Live conformance: random scenarios on a runtime, judged by the model");
  app->footer(
      "Exit status: 0 conforms, 1 a nonconformance (or a stale known deviation), 2 bad usage or "
      "a runtime failure.");
  auto* runtime = app->add_option(
      "--runtime", options->runtime,
      "Runtime name, as listed by 'aioconform runtimes', or 'impl' (the reference runtime, "
      "in-process). Without --runtime and --runtime-cmd: every listed runtime, one after the "
      "other, with one table at the end (a real-clock runtime, uvloop, runs at most 20 cases)");
  auto* runtime_cmd = app->add_option("--runtime-cmd", options->runtime_cmd,
                                      "Any program speaking the adapter protocol");
  app->add_option("--runtime-name", options->runtime_name, "Name of the --runtime-cmd runtime")
      ->needs(runtime_cmd);
  app->add_option("--runtime-env", options->runtime_env,
                  "K=V added to the runtime's environment (repeatable)");
  runtime->excludes(runtime_cmd);
  app->add_option("--config", options->config, "Runtime configuration file");
  app->add_option("--cases", options->cases, "How many random scenarios")->capture_default_str();
  app->add_option("--seed", options->seed, "Seed of the cases (default: a fresh one, printed)");
  app->add_option("--case", options->only_case, "Run only this case index of --seed");
  app->add_option("--clauses", options->clauses,
                  "Only cases whose model run involves a clause matching this glob, e.g. "
                  "'gather.*'");
  app->add_option("--profile", options->profile,
                  "Judge by this profile (default: from the runtime's version and task factory)");
  add_jobs_option(*app, options->jobs, "Parallel adapter processes");
  app->add_option("--shard", options->shard,
                  "K/N: run only the cases with index = K-1 mod N (split a run across CI jobs)");
  app->add_option("--time-budget", options->time_budget,
                  "Stop starting new cases after this many seconds (0: no budget)");
  add_timeout_option(*app, options->timeout);
  app->add_option("--findings", options->findings, "Folder for the findings")
      ->capture_default_str();
  add_golden_option(*app, options->golden);
  app->add_option("--deviations", options->deviations,
                  "Known-deviation list (default: spec/deviations.json)");
  app->add_option("--report-json", options->report_json,
                  "Also write the results, per clause, as JSON to this file");
  app->add_option("--junit", options->junit,
                  "Also write JUnit XML to this file (one test case per clause)");
  app->add_option("--exhaustive", options->exhaustive,
                  "Instead of random cases, every scenario within BOUNDS: 'default' ("
                  "children=2,instants=3,cancel=1,tasks=1) or KEY=N pairs")
      ->excludes("--cases");
  app->add_option("--dump-scenarios", options->dump_scenarios,
                  "Also write each case's scenario to DIR/case-K.json (an existing folder)")
      ->check(CLI::ExistingDirectory);
  app->add_option("--max-shrinks", options->max_shrinks,
                  "At most this many runs to shrink one finding")
      ->capture_default_str();
  app->add_option("--max-schedules", options->max_schedules,
                  "At most this many model schedules tried per case before its verdict is "
                  "inconclusive")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return {app, [options, &context] {
            if (!options->runtime && !options->runtime_cmd) return run_check_all(*options, context);
            return run_check(*options, context).code;
          }};
}

}  // namespace aioconform::cli
