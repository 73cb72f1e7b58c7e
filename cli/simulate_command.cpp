// aioconform simulate: one trace the model allows for a scenario under a version profile,
// its open choices (timers with equal deadlines) drawn from --seed; or, with --all, every
// distinct allowed trace of a small scenario.

#include <fmt/format.h>

#include <optional>
#include <string>

#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/golden_store.h"
#include "cli/profile_option.h"
#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "spec/model/profile.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct simulate_options {
  std::string scenario;
  std::string profile = "3.13";
  std::uint64_t seed = 0;
  bool clauses = false;
  bool all = false;
  std::size_t limit = 1000;
};

format::scenario load(const std::string& scenario) {
  if (std::filesystem::exists(scenario)) return format::load_scenario(scenario);
  return golden_store(default_golden_dir()).load_scenario(scenario);
}

exit_code run_simulate(const simulate_options& options) {
  const std::optional<model::profile> p = profile_option(options.profile);
  format::scenario sc = load(options.scenario);
  try {
    if (options.all) {
      model::enumeration all = model::enumerate_traces(sc, *p, options.limit);
      for (const nlohmann::json& trace : all.traces)
        fmt::print("{}", format::canonical_document(trace));
      fmt::print(stderr, "{} distinct allowed trace{}{}\n", all.traces.size(),
                 all.traces.size() == 1 ? "" : "s",
                 all.complete ? "" : " (incomplete: --limit schedules explored)");
      return exit_code::ok;
    }
    model::simulation s = model::simulate(sc, *p, options.seed);
    if (options.clauses) {
      for (std::size_t i = 0; i < s.clauses.size(); ++i) {
        fmt::print("{:>4}  {:<44} {}\n", i, s.clauses[i],
                   format::canonical_compact(s.trace["events"][i]));
      }
      return exit_code::ok;
    }
    fmt::print("{}", format::canonical_document(s.trace));
  } catch (const model::scenario_error& e) {
    throw cli_error(options.scenario + ": the model cannot run this scenario: " + e.message);
  }
  return exit_code::ok;
}

}  // namespace

command add_simulate_command(CLI::App& parent, const cli_context&) {
  auto options = std::make_shared<simulate_options>();
  CLI::App* app = parent.add_subcommand(
      "simulate", "Print a trace the model allows for a scenario (a file or a golden name)");
  app->add_option("scenario", options->scenario, "Scenario file, or golden scenario name")
      ->required();
  app->add_option("--profile", options->profile, "Version profile: 3.8 ... 3.13, 3.13-eager")
      ->capture_default_str();
  app->add_option("--seed", options->seed,
                  "Seed for the open choices (0: equal-deadline timers in creation order)")
      ->capture_default_str();
  app->add_flag("--clauses", options->clauses,
                "Print each event with the clause of the transition that made it");
  app->add_flag("--all", options->all, "Print every distinct allowed trace");
  app->add_option("--limit", options->limit, "With --all: at most this many schedules")
      ->capture_default_str();
  return {app, [options] { return run_simulate(*options); }};
}

}  // namespace aioconform::cli
