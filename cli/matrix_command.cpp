// aioconform matrix: where every runtime stands, on one page. For each runtime (discovered
// here, or with goldens), the model judges its golden traces and a random sample of live
// cases (check's generators: case K of --seed); the results fill a clause-by-runtime matrix
// written as a self-contained HTML page, Markdown and JSON. Every deviation keeps its
// counterexample (the golden, or the live case shrunk on the runtime) and its timeline.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter_session.h"
#include "adapters/natural_order.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/corpus_options.h"
#include "cli/golden_store.h"
#include "cli/known_deviations.h"
#include "cli/parallel_for.h"
#include "cli/reproduce_command.h"
#include "cli/runtime_catalog.h"
#include "cli/text_table.h"
#include "cli/timeout_option.h"
#include "conformance/case_source.h"
#include "conformance/live_judge.h"
#include "format/json_file.h"
#include "report/clause_catalog.h"
#include "report/conformance_matrix.h"
#include "report/html_page.h"
#include "report/matrix_json.h"
#include "report/matrix_markdown.h"
#include "report/svg_timeline.h"
#include "report/text_timeline.h"
#include "report/timeline.h"
#include "spec/model/annotate.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::cli {
namespace {

struct matrix_options {
  std::vector<std::string> runtimes;
  std::size_t cases = 50;
  std::uint64_t seed = 1;
  std::size_t jobs = 2;
  std::size_t max_shrinks = 100;
  std::string out = "aioconform-matrix";
  std::optional<std::string> golden;
  std::optional<std::string> deviations;
  std::optional<std::string> spec;
  std::optional<std::string> config;
  double timeout = default_timeout_seconds;
};

/// The scenario the page's example timeline draws, when the corpus has it.
constexpr const char* example_scenario = "seeds/004-flaky-gather";

/// Draws `trace` of `scenario` with each event's clause, marking `marked` (the rejection).
void draw(report::counterexample& e, const format::scenario& sc, const nlohmann::json& trace,
          const model::profile& p, std::optional<std::size_t> marked) {
  std::vector<std::string> clauses;
  try {
    clauses = model::annotate(sc, trace, p);
  } catch (const model::scenario_error&) {
  }
  report::timeline tl = report::make_timeline(sc.source, trace, clauses);
  tl.marked = marked;
  tl.marked_note = "where the model rejects the trace [" + e.clause + "]";
  e.timeline_text = report::render_text(tl);
  e.timeline_svg = report::render_svg(tl);
}

class matrix_builder {
 public:
  matrix_builder(const matrix_options& options, const cli_context& context)
      : options_(options),
        context_(context),
        store_(options.golden ? std::filesystem::path(*options.golden) : default_golden_dir()),
        known_(load_known_deviations(options.deviations ? std::filesystem::path(*options.deviations)
                                                        : default_deviations_path(store_.root()))),
        matrix_(report::clause_catalog::load(options.spec ? std::filesystem::path(*options.spec)
                                                          : store_.root().parent_path() / "spec" /
                                                                "SPEC.md")),
        catalog_(options.config) {}

  report::conformance_matrix build() {
    std::map<std::string, adapters::runtime_spec> installed;
    for (adapters::runtime_spec& r : catalog_.all()) installed.emplace(r.name, std::move(r));
    std::vector<std::string> names = options_.runtimes;
    if (names.empty()) {
      std::set<std::string> all;
      for (const auto& [name, spec] : installed) all.insert(name);
      for (const std::string& name : store_.trace_runtimes()) all.insert(name);
      names.assign(all.begin(), all.end());
      // Columns in version order: cpython-3.8 before cpython-3.10.
      std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return adapters::natural_less(a, b);
      });
    }
    for (const std::string& name : names) {
      const bool has_goldens = !store_.trace_names(name).empty();
      const auto spec = installed.find(name);
      if (!has_goldens && spec == installed.end()) {
        throw cli_error(catalog_.missing_message({name}));
      }
      matrix_.add_runtime(name);
      if (has_goldens) judge_goldens(name);
      if (spec == installed.end()) {
        matrix_.add_runtime(name).note = "not installed here: goldens only";
      } else if (options_.cases > 0) {
        sample(spec->second);
      }
      if (!has_goldens) matrix_.add_runtime(name).note += "no goldens";
      fmt::print("{}: {} golden traces, {} sampled cases\n", name,
                 matrix_.add_runtime(name).golden_traces, matrix_.add_runtime(name).sample_cases);
      std::fflush(stdout);
    }
    add_example();
    matrix_.command = fmt::format("{} matrix --cases {} --seed {} --out {}", context_.program,
                                  options_.cases, options_.seed, options_.out);
    return std::move(matrix_);
  }

  std::size_t unexplained = 0;
  std::size_t failures = 0;

 private:
  const format::scenario& scenario(const std::string& name) {
    auto it = scenarios_.find(name);
    if (it == scenarios_.end()) it = scenarios_.emplace(name, store_.load_scenario(name)).first;
    return it->second;
  }

  void judge_goldens(const std::string& runtime) {
    for (const std::string& name : store_.trace_names(runtime)) {
      const format::scenario& sc = scenario(name);
      const nlohmann::json trace = format::load_json_file(store_.trace_path(runtime, name));
      const auto p = model::profile_of_runtime(trace.at("runtime"));
      report::runtime_column& column = matrix_.add_runtime(runtime);
      if (!p) {
        column.note = "no version profile: goldens not judged";
        return;
      }
      column.profile = p->name();
      ++column.golden_traces;
      model::verdict v;
      try {
        v = model::check(sc, trace, *p);
      } catch (const model::scenario_error& e) {
        ++failures;
        fmt::print(stderr, "{}: the model cannot run the scenario: {}\n",
                   display_path(store_.trace_path(runtime, name)), e.message);
        continue;
      }
      if (v.accepted) {
        const bool unsupported = trace.value("end", "") == "unsupported";
        for (const std::string& c : sc.clauses) {
          if (unsupported) {
            matrix_.add_not_applicable(c, runtime);
          } else {
            matrix_.add_pass(c, runtime);
          }
        }
        continue;
      }
      const known_deviation* dev = known_.find(runtime, name);
      report::counterexample e;
      e.runtime = runtime;
      e.clause = v.clause;
      e.scenario = name;
      e.origin = "golden trace " + display_path(store_.trace_path(runtime, name));
      e.known = dev != nullptr && dev->clause == v.clause;
      e.explanation = v.explanation + (e.known ? " Known: " + dev->why : "");
      e.reproduce = fmt::format("{} explain {} --runtime {}", context_.program, name, runtime);
      if (!e.known) ++unexplained;
      draw(e, sc, trace, *p, v.event_index);
      matrix_.add_deviation(std::move(e));
    }
  }

  void sample(const adapters::runtime_spec& runtime) {
    const std::size_t jobs = std::max<std::size_t>(1, std::min(options_.jobs, options_.cases));
    std::vector<std::unique_ptr<adapters::adapter_session>> sessions;
    for (std::size_t j = 0; j < jobs; ++j) {
      sessions.push_back(std::make_unique<adapters::adapter_session>(
          runtime, session_options_for(options_.timeout)));
    }
    const auto p = model::profile_of_runtime(sessions[0]->start().runtime);
    report::runtime_column& column = matrix_.add_runtime(runtime.name);
    if (!p) {
      column.note = "no version profile: not sampled";
      return;
    }
    column.profile = p->name();
    std::set<std::string> deviation_clauses;
    for (const known_deviation& d : known_.entries) {
      if (d.runtime == runtime.name) deviation_clauses.insert(d.clause);
    }
    std::mutex lock;
    parallel_for(jobs, jobs, [&](std::size_t job) {
      adapters::adapter_session& session = *sessions[job];
      for (std::size_t index = job; index < options_.cases; index += jobs) {
        rc::Shrinkable<conformance::live_case> shrinkable =
            conformance::make_case(options_.seed, index, *p);
        const conformance::live_case c = shrinkable.value();
        std::set<std::string> involved;
        try {
          involved = model::exercised_clauses(model::simulate(c.scenario, *p));
        } catch (const model::scenario_error&) {
        }
        auto judge = [&](const conformance::live_case& x) {
          return conformance::judge_live(session, x, *p, deviation_clauses);
        };
        conformance::judged_case judged = judge(c);
        const std::string reproduce =
            fmt::format("{} check --runtime {} --seed {} --case {}", context_.program, runtime.name,
                        options_.seed, index);
        std::optional<report::counterexample> example;
        if (judged.outcome == conformance::case_outcome::nonconformance ||
            judged.outcome == conformance::case_outcome::known_deviation) {
          const bool known = judged.outcome == conformance::case_outcome::known_deviation;
          conformance::live_case smallest = c;
          if (!known) {
            conformance::shrunk_case small =
                conformance::shrink_failure(shrinkable, judged, judge, options_.max_shrinks);
            smallest = small.value;
            judged = small.judged;
          }
          example = report::counterexample{};
          example->runtime = runtime.name;
          example->clause = judged.verdict.clause;
          example->scenario = smallest.scenario.name;
          example->origin = fmt::format("sampled case {} of seed {}{}", index, options_.seed,
                                        known ? "" : ", shrunk on the runtime");
          example->known = known;
          example->explanation = judged.verdict.explanation;
          example->reproduce = reproduce;
          draw(*example, smallest.scenario, judged.trace, *p, judged.verdict.event_index);
        }
        std::lock_guard guard(lock);
        ++matrix_.add_runtime(runtime.name).sample_cases;
        switch (judged.outcome) {
          case conformance::case_outcome::conforms:
            for (const std::string& clause : involved) matrix_.add_pass(clause, runtime.name);
            break;
          case conformance::case_outcome::nonconformance:
            ++unexplained;
            [[fallthrough]];
          case conformance::case_outcome::known_deviation:
            matrix_.add_deviation(std::move(*example));
            break;
          case conformance::case_outcome::runtime_failure:
            ++failures;
            fmt::print(stderr, "RUNTIME FAILURE {} case {}: {}\n  reproduce: {}\n", runtime.name,
                       index, judged.message, reproduce);
            break;
        }
      }
    });
  }

  /// The seed example's timeline on the first runtime that recorded it.
  void add_example() {
    for (const report::runtime_column& r : matrix_.runtimes()) {
      const auto path = store_.trace_path(r.name, example_scenario);
      if (!std::filesystem::is_regular_file(path)) continue;
      const format::scenario& sc = scenario(example_scenario);
      const nlohmann::json trace = format::load_json_file(path);
      const auto p = model::profile_of_runtime(trace.at("runtime"));
      if (!p) continue;
      const report::timeline tl =
          report::make_timeline(sc.source, trace, model::annotate(sc, trace, *p));
      matrix_.example_caption =
          fmt::format("{} on {}: {}", example_scenario, r.name, sc.source.value("description", ""));
      matrix_.example_text = report::render_text(tl);
      matrix_.example_svg = report::render_svg(tl);
      return;
    }
  }

  const matrix_options& options_;
  const cli_context& context_;
  golden_store store_;
  known_deviations known_;
  report::conformance_matrix matrix_;
  runtime_catalog catalog_;
  std::map<std::string, format::scenario> scenarios_;
};

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw cli_error(fmt::format("matrix: cannot write {}", path.string()));
}

exit_code run_matrix(const matrix_options& options, const cli_context& context) {
  matrix_builder builder(options, context);
  const report::conformance_matrix m = builder.build();
  const std::filesystem::path dir(options.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw cli_error(fmt::format("--out: cannot create {}: {}", dir.string(), ec.message()));
  write_file(dir / "matrix.html", report::matrix_to_html(m));
  write_file(dir / "matrix.md", report::matrix_to_markdown(m));
  write_file(dir / "matrix.json", report::matrix_to_json(m).dump(1) + "\n");

  text_table table({"runtime", "profile", "golden traces", "sample cases", "deviations", "note"});
  for (const report::runtime_column& r : m.runtimes()) {
    const auto n =
        std::count_if(m.counterexamples().begin(), m.counterexamples().end(),
                      [&](const report::counterexample& e) { return e.runtime == r.name; });
    table.add_row({r.name, r.profile, std::to_string(r.golden_traces),
                   std::to_string(r.sample_cases), std::to_string(n), r.note});
  }
  fmt::print("\n{}", table.str());
  fmt::print("{} unexplained deviation{}, {} failure{}.\nWrote {}, {}, {}\n", builder.unexplained,
             builder.unexplained == 1 ? "" : "s", builder.failures,
             builder.failures == 1 ? "" : "s", display_path(dir / "matrix.html"),
             display_path(dir / "matrix.md"), display_path(dir / "matrix.json"));
  if (builder.failures > 0) return exit_code::failure;
  return builder.unexplained > 0 ? exit_code::finding : exit_code::ok;
}

}  // namespace

command add_matrix_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<matrix_options>();
  CLI::App* app = parent.add_subcommand(
      "matrix",
      "One page of where every runtime stands: clauses x runtimes (HTML, Markdown, JSON)");
  app->footer(
      "Judges every golden trace and --cases sampled live cases per installed runtime with the "
      "model. Exit status: 0 no unexplained deviation, 1 some, 2 bad input or a runtime failure.");
  app->add_option("--runtime", options->runtimes,
                  "Only these runtimes (repeatable; default: every discovered runtime and every "
                  "runtime with goldens)");
  app->add_option("--cases", options->cases, "Random live cases per installed runtime (0: none)")
      ->capture_default_str();
  app->add_option("--seed", options->seed, "Seed of the sampled cases")->capture_default_str();
  add_jobs_option(*app, options->jobs, "Parallel adapter processes per runtime");
  app->add_option("--max-shrinks", options->max_shrinks,
                  "At most this many runs to shrink one sampled deviation")
      ->capture_default_str();
  app->add_option("--out", options->out, "Folder for matrix.html, matrix.md and matrix.json")
      ->capture_default_str();
  add_golden_option(*app, options->golden);
  app->add_option("--deviations", options->deviations,
                  "Known-deviation list (default: spec/deviations.json)");
  app->add_option("--spec", options->spec, "SPEC.md (default: spec/SPEC.md beside the goldens)");
  app->add_option("--config", options->config, "Runtime configuration file");
  add_timeout_option(*app, options->timeout);
  return {app, [options, &context] { return run_matrix(*options, context); }};
}

}  // namespace aioconform::cli
