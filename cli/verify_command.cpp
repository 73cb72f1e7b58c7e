// aioconform verify: judges every golden trace with the model under its runtime's version
// profile. A golden the model rejects is a finding unless spec/deviations.json lists it as a
// known deviation of that runtime with the clause it breaks; a listed deviation the model
// now accepts (or rejects citing another clause) is a finding too, so the list cannot go
// stale.

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/known_deviations.h"
#include "cli/profile_option.h"
#include "cli/text_table.h"
#include "format/format_error.h"
#include "format/json_file.h"
#include "format/scenario_codec.h"
#include "format/trace_codec.h"
#include "spec/model/check.h"
#include "spec/model/profile.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct verify_options {
  std::vector<std::string> trace_files;  ///< judge these instead of the golden traces
  std::optional<std::string> scenario_file;
  std::vector<std::string> runtimes;
  std::string scenarios = "*";
  std::optional<std::string> golden;
  std::optional<std::string> deviations;
  std::optional<std::string> profile;
  bool verbose = false;
};

struct runtime_tally {
  std::size_t accepted = 0;
  std::size_t deviations = 0;
  std::size_t findings = 0;
  std::string profile;
};

/// `aioconform verify TRACE...`: judges trace files (each against the golden scenario it
/// names, or --scenario-file) and explains every rejection.
exit_code verify_files(const verify_options& options, const golden_store& store,
                       const std::optional<model::profile>& forced) {
  exit_code code = exit_code::ok;
  for (const std::string& file : options.trace_files) {
    nlohmann::json trace = format::load_trace(file);
    const std::string name = trace.value("scenario", "");
    format::scenario sc = options.scenario_file ? format::load_scenario(*options.scenario_file)
                                                : store.load_scenario(name);
    std::optional<model::profile> p =
        forced ? forced : model::profile_of_runtime(trace.at("runtime"));
    if (!p) {
      throw format::format_error(file, "$.runtime.version",
                                 "no version profile for it (3.8-3.13); pass --profile");
    }
    model::verdict v = model::check(sc, trace, *p);
    if (v.accepted) {
      fmt::print("{}: accepted under profile {} ({} schedule{} explored)\n", file, p->name(),
                 v.schedules, v.schedules == 1 ? "" : "s");
      continue;
    }
    code = exit_code::finding;
    fmt::print("{}: REJECTED: {}\n", file, v.explanation);
  }
  return code;
}

exit_code run_verify(const verify_options& options, const cli_context& context) {
  golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                    : default_golden_dir());
  known_deviations known =
      load_known_deviations(options.deviations ? std::filesystem::path(*options.deviations)
                                               : default_deviations_path(store.root()));
  std::optional<model::profile> forced;
  if (options.profile) forced = profile_option(*options.profile);
  if (!options.trace_files.empty()) return verify_files(options, store, forced);
  std::vector<std::string> runtimes = options.runtimes;
  if (runtimes.empty()) runtimes = store.trace_runtimes();

  struct clause_tally {
    std::size_t accepted = 0;    // accepted traces of scenarios that cite the clause
    std::size_t deviations = 0;  // known deviations rejected citing it
    std::size_t findings = 0;    // other rejections citing it
  };
  std::map<std::string, clause_tally> per_clause;
  std::vector<std::string> findings;
  text_table table({"runtime", "profile", "accepted", "known deviations", "findings"});
  exit_code code = exit_code::ok;
  std::map<std::string, format::scenario> scenarios;
  for (const std::string& runtime : runtimes) {
    runtime_tally tally;
    for (const std::string& name : store.trace_names(runtime)) {
      if (!matches_glob(options.scenarios, name)) continue;
      auto it = scenarios.find(name);
      if (it == scenarios.end()) it = scenarios.emplace(name, store.load_scenario(name)).first;
      const format::scenario& sc = it->second;
      auto path = store.trace_path(runtime, name);
      nlohmann::json trace = format::load_trace(path);
      std::optional<model::profile> p =
          forced ? forced : model::profile_of_runtime(trace.at("runtime"));
      if (!p) {
        findings.push_back(fmt::format("{}: runtime {} has no version profile (3.8-3.13)",
                                       path.string(), runtime));
        ++tally.findings;
        continue;
      }
      tally.profile = p->name();
      model::verdict v;
      try {
        v = model::check(sc, trace, *p);
      } catch (const model::scenario_error& e) {
        findings.push_back(
            fmt::format("{}: the model cannot run the scenario: {}", path.string(), e.message));
        ++tally.findings;
        continue;
      }
      const known_deviation* dev = known.find(runtime, name);
      if (v.accepted) {
        for (const std::string& c : sc.clauses) ++per_clause[c].accepted;
        if (dev) {
          ++tally.findings;
          findings.push_back(
              fmt::format("{}: listed as a known deviation ({}) but the model accepts it: remove "
                          "it from the deviation list",
                          path.string(), dev->clause));
        } else {
          ++tally.accepted;
        }
        continue;
      }
      if (dev && dev->clause == v.clause) {
        ++per_clause[v.clause].deviations;
        ++tally.deviations;
        if (options.verbose) fmt::print("deviation {} {}: {}\n", runtime, name, v.explanation);
        continue;
      }
      ++per_clause[v.clause].findings;
      ++tally.findings;
      std::string line = fmt::format("{}: {}", path.string(), v.explanation);
      if (dev)
        line += fmt::format(" (listed as a deviation of clause {}, but it breaks {})", dev->clause,
                            v.clause);
      line += fmt::format("\n  reproduce: {} verify --runtime {} --scenarios '{}'", context.program,
                          runtime, name);
      findings.push_back(std::move(line));
    }
    table.add_row({runtime, tally.profile, std::to_string(tally.accepted),
                   std::to_string(tally.deviations), std::to_string(tally.findings)});
    if (tally.findings > 0) code = exit_code::finding;
  }
  // Per clause: how many accepted traces exercise it (their scenario cites it) and how
  // many rejections cite it, known deviations apart.
  text_table clauses({"clause", "accepted traces citing it", "known deviations", "findings"});
  for (const auto& [clause, counts] : per_clause) {
    clauses.add_row({clause, std::to_string(counts.accepted), std::to_string(counts.deviations),
                     std::to_string(counts.findings)});
  }
  fmt::print("{}\n{}", clauses.str(), table.str());
  for (const std::string& f : findings) fmt::print("FINDING {}\n", f);
  return code;
}

}  // namespace

command add_verify_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<verify_options>();
  CLI::App* app = parent.add_subcommand(
      "verify", "Judge every golden trace with the model under its runtime's version profile");
  app->add_option("traces", options->trace_files,
                  "Trace files to judge instead of the golden traces (each against the "
                  "golden scenario it names)")
      ->check(CLI::ExistingFile);
  app->add_option("--scenario-file", options->scenario_file,
                  "The scenario of the given trace files (default: the golden one they name)")
      ->check(CLI::ExistingFile);
  app->add_option("--runtime", options->runtimes,
                  "Only these runtimes (repeatable; default: every golden runtime)");
  add_scenarios_option(*app, options->scenarios);
  add_golden_option(*app, options->golden);
  app->add_option(
      "--deviations", options->deviations,
      "Known-deviation list (default: spec/deviations.json next to the golden directory)");
  app->add_option("--profile", options->profile,
                  "Judge by this profile instead of each runtime's own (3.8 ... 3.13, 3.13-eager)");
  app->add_flag("--verbose,-v", options->verbose, "Also explain each known deviation");
  return {app, [options, &context] { return run_verify(*options, context); }};
}

}  // namespace aioconform::cli
