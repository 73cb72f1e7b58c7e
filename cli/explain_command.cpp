// aioconform explain: a scenario's timeline. One lane per task, virtual time, each event
// described and annotated with the clause that decided it. Without a runtime it draws what
// the model does (under --profile); with one runtime, that runtime's trace (its golden, else
// a live run); with two runtimes or trace files, both, with their first difference marked.

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter_session.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/profile_option.h"
#include "cli/reproduce_command.h"
#include "cli/runtime_catalog.h"
#include "cli/timeout_option.h"
#include "format/json_file.h"
#include "format/scenario_codec.h"
#include "format/trace_codec.h"
#include "report/svg_timeline.h"
#include "report/text_timeline.h"
#include "report/timeline.h"
#include "spec/model/annotate.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct explain_options {
  std::string scenario;  ///< a scenario file, or a golden scenario's name
  std::vector<std::string> runtimes;
  std::vector<std::string> traces;
  std::optional<std::string> profile;
  std::optional<std::string> svg;
  std::size_t width = 100;
  bool live = false;
  std::optional<std::string> golden;
  std::optional<std::string> config;
  double timeout = default_timeout_seconds;
};

format::scenario load_named_scenario(const std::string& what, const golden_store& store) {
  if (std::filesystem::is_regular_file(what)) return format::load_scenario(what);
  std::string name = what;
  if (name.ends_with(".json")) name.resize(name.size() - 5);
  if (!std::filesystem::is_regular_file(store.scenario_path(name))) {
    throw cli_error(
        fmt::format("explain: '{}' is neither a scenario file nor a golden scenario under {}", what,
                    display_path(store.root() / "scenarios")));
  }
  return store.load_scenario(name);
}

/// The trace of `sc` on `runtime`: its golden unless --live, else a run on it.
nlohmann::json runtime_trace(const explain_options& options, const golden_store& store,
                             const format::scenario& sc, const std::string& runtime) {
  if (!options.live) {
    if (auto bytes = store.read_trace(runtime, sc.name)) {
      return format::load_json_file(store.trace_path(runtime, sc.name));
    }
  }
  runtime_catalog catalog(options.config);
  adapters::adapter_session session(catalog.require(runtime), session_options_for(options.timeout));
  adapters::run_result result = session.run(sc.source);
  if (result.status == adapters::run_status::error ||
      result.status == adapters::run_status::runtime_failure) {
    throw cli_error(result.message);
  }
  return std::move(result.trace);
}

/// A trace laid out, each event annotated by the model under the trace's own profile.
report::timeline lay_out(const format::scenario& sc, const nlohmann::json& trace,
                         const model::profile& fallback) {
  const auto p = model::profile_of_runtime(trace.value("runtime", nlohmann::json::object()));
  std::vector<std::string> clauses;
  try {
    clauses = model::annotate(sc, trace, p ? *p : fallback);
  } catch (const model::scenario_error& e) {
    throw cli_error(fmt::format("{}: the model cannot run the scenario: {}", sc.name, e.message));
  }
  return report::make_timeline(sc.source, trace, clauses);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw cli_error(fmt::format("--svg: cannot write {}", path));
}

exit_code explain(const explain_options& options) {
  const golden_store store(options.golden ? std::filesystem::path(*options.golden)
                                          : default_golden_dir());
  const format::scenario sc = load_named_scenario(options.scenario, store);
  const model::profile profile =
      options.profile ? profile_option(*options.profile) : model::latest_profile;
  std::vector<nlohmann::json> traces;
  for (const std::string& r : options.runtimes)
    traces.push_back(runtime_trace(options, store, sc, r));
  for (const std::string& f : options.traces) traces.push_back(format::load_trace(f));
  if (traces.size() > 2) throw cli_error("explain: give at most two runtimes or trace files");

  std::string text;
  std::string svg;
  if (traces.empty()) {
    model::simulation sim;
    try {
      sim = model::simulate(sc, profile);
    } catch (const model::scenario_error& e) {
      throw cli_error(fmt::format("{}: the model cannot run the scenario: {}", sc.name, e.message));
    }
    const report::timeline tl = report::make_timeline(sc.source, sim.trace, sim.clauses);
    text = report::render_text(tl, options.width);
    svg = report::render_svg(tl);
  } else if (traces.size() == 1) {
    const report::timeline tl = lay_out(sc, traces[0], profile);
    text = report::render_text(tl, options.width);
    svg = report::render_svg(tl);
  } else {
    const report::timeline a = lay_out(sc, traces[0], profile);
    const report::timeline b = lay_out(sc, traces[1], profile);
    const auto difference = report::first_event_difference(traces[0], traces[1]);
    text = report::render_text_pair(a, b, difference, options.width);
    svg = report::render_svg_pair(a, b, difference);
  }
  fmt::print("{}", text);
  if (options.svg) write_file(*options.svg, svg);
  return exit_code::ok;
}

}  // namespace

command add_explain_command(CLI::App& parent, const cli_context& /*context*/) {
  auto options = std::make_shared<explain_options>();
  CLI::App* app = parent.add_subcommand(
      "explain", "Draw a scenario's timeline: one lane per task, each event with its clause");
  app->footer(
      "Without --runtime or --trace: what the model does under --profile (default 3.13). With "
      "one: that runtime's golden trace (or a live run when there is none, or with --live). With "
      "two: both, with the first event where they differ marked '>>'.");
  app->add_option("SCENARIO", options->scenario,
                  "A scenario file, or a golden scenario's name (e.g. seeds/004-flaky-gather)")
      ->required();
  app->add_option("--runtime", options->runtimes, "Draw this runtime's trace (repeatable, max 2)");
  app->add_option("--trace", options->traces, "Draw this trace file (repeatable, max 2)")
      ->check(CLI::ExistingFile);
  app->add_option("--profile", options->profile,
                  "Profile of the model's timeline, and of traces whose runtime has none");
  app->add_option("--svg", options->svg, "Also write the timeline as SVG to this file");
  app->add_option("--width", options->width, "Maximum line width of the text timeline")
      ->check(CLI::Range(40, 1000))
      ->capture_default_str();
  app->add_flag("--live", options->live, "Run the scenario on the runtime even if it has a golden");
  add_golden_option(*app, options->golden);
  app->add_option("--config", options->config, "Runtime configuration file");
  add_timeout_option(*app, options->timeout);
  return {app, [options] { return explain(*options); }};
}

}  // namespace aioconform::cli
