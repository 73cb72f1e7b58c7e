// aioconform mutants: the suite's power, measured. Each mutant runs under live conformance
// checking, case after case as `check` draws them, until the model rejects a trace (the
// mutant is killed) or the case bound is spent (it survives). Two catalogues:
// - tests/mutants/catalogue.json: semantic mutants of asyncio (plausible bugs, applied inside
//   the Python adapter's process by run_mutant.py), on an installed CPython;
// - tests/mutants/impl/catalogue.json: real CPython bugs, fixed upstream, brought back into
//   the reference runtime's mutant build (impl/mutant.h), an adapter that turns one on.
// The same seeds and bound run on each unmutated base runtime (the CPython, or impl
// in-process), which must conform, so a kill is the mutant's doing. Prints the kill table:
// mutant, the clause it breaks, killed or not, cases to the first failure (median over the
// seeds), and the size of the shrunk counterexample.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter_session.h"
#include "adapters/command_line.h"
#include "adapters/impl/run_scenario.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/golden_store.h"
#include "cli/known_deviations.h"
#include "cli/parallel_for.h"
#include "cli/runtime_catalog.h"
#include "cli/text_table.h"
#include "cli/timeout_option.h"
#include "conformance/case_runner.h"
#include "conformance/case_source.h"
#include "conformance/live_judge.h"
#include "spec/model/profile.h"

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct mutants_options {
  std::optional<std::string> runtime;
  std::optional<std::string> config;
  std::vector<std::string> catalogues;
  std::string impl_mutant_adapter = AIOCONFORM_IMPL_MUTANT_ADAPTER;
  std::vector<std::string> only;
  std::uint64_t first_seed = 1;
  std::size_t seeds = 3;
  std::size_t cases = 300;
  std::size_t max_shrinks = 60;
  std::size_t jobs = 1;
  double timeout = default_timeout_seconds;
  std::optional<std::string> report_json;
};

/// The runtime a catalogue's mutants are variants of.
enum class base_kind {
  python,  ///< an installed CPython; the mutant is tests/mutants/<name>.py
  impl,    ///< the reference runtime; the mutant is its mutant build with `issue` on
};

/// One entry of a catalogue: a mutant that breaks <clause>.
struct mutant {
  std::string name;
  std::string clause;
  std::string bug;
  base_kind base = base_kind::python;
  std::string issue;  ///< impl: "gh-N", the CPython issue the build variant brings back
  fs::path dir;       ///< the catalogue's folder
};

/// What one seed's hunt found.
struct hunt {
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> first_failure;  ///< case index of the first nonconformance
  std::string clause;                          ///< the clause the model cited there
  std::size_t shrunk_steps = 0;                ///< steps of the shrunk counterexample
  std::size_t failures = 0;                    ///< runtime failures met on the way
  std::string failure_message;                 ///< the first of them
};

fs::path mutants_dir() {
  return default_golden_dir().parent_path() / "tests" / "mutants";
}

std::vector<mutant> load_catalogue(const fs::path& path, std::set<std::string>& names) {
  std::ifstream in(path);
  if (!in) throw cli_error(fmt::format("{}: cannot read the mutant catalogue", path.string()));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw cli_error(fmt::format("{}: not JSON: {}", path.string(), e.what()));
  }
  if (!doc.is_object() || doc.value("format", "") != "aioconform.mutants/1") {
    throw cli_error(fmt::format("{}: format: expected \"aioconform.mutants/1\"", path.string()));
  }
  if (!doc.contains("mutants") || !doc["mutants"].is_array()) {
    throw cli_error(fmt::format("{}: mutants: expected an array", path.string()));
  }
  const std::string runtime = doc.value("runtime", "python");
  if (runtime != "python" && runtime != "impl") {
    throw cli_error(fmt::format("{}: runtime: expected \"python\" or \"impl\"", path.string()));
  }
  const base_kind base = runtime == "impl" ? base_kind::impl : base_kind::python;
  std::vector<mutant> out;
  for (std::size_t i = 0; i < doc["mutants"].size(); ++i) {
    const json& m = doc["mutants"][i];
    for (const char* field : {"name", "clause", "bug"}) {
      if (!m.is_object() || !m.contains(field) || !m[field].is_string() ||
          m[field].get<std::string>().empty()) {
        throw cli_error(fmt::format("{}: mutants[{}].{}: expected a non-empty string",
                                    path.string(), i, field));
      }
    }
    mutant x{m["name"], m["clause"], m["bug"], base, "", path.parent_path()};
    if (!std::regex_match(x.name, std::regex("[a-z][a-z0-9_]*"))) {
      throw cli_error(
          fmt::format("{}: mutants[{}].name: '{}' is not a module name", path.string(), i, x.name));
    }
    if (!names.insert(x.name).second) {
      throw cli_error(
          fmt::format("{}: mutants[{}].name: '{}' listed twice", path.string(), i, x.name));
    }
    if (base == base_kind::impl) {
      if (!m.contains("issue") || !m["issue"].is_string() ||
          !std::regex_match(m["issue"].get<std::string>(), std::regex("gh-[1-9][0-9]*"))) {
        throw cli_error(fmt::format("{}: mutants[{}].issue: expected \"gh-N\"", path.string(), i));
      }
      x.issue = m["issue"];
    } else if (!fs::exists(path.parent_path() / (x.name + ".py"))) {
      throw cli_error(fmt::format("{}: mutants[{}].name: no module {}", path.string(), i,
                                  (path.parent_path() / (x.name + ".py")).string()));
    }
    out.push_back(std::move(x));
  }
  return out;
}

/// The base runtime: the one named, else cpython-3.12, else the newest plain CPython.
adapters::runtime_spec base_runtime(const mutants_options& options) {
  runtime_catalog catalog(options.config);
  if (options.runtime) return catalog.require(*options.runtime);
  if (auto r = catalog.find("cpython-3.12")) return *r;
  std::optional<adapters::runtime_spec> newest;
  int newest_minor = -1;
  static const std::regex plain(R"(cpython-3\.(\d+))");
  for (const adapters::runtime_spec& r : catalog.all()) {
    std::smatch m;
    if (std::regex_match(r.name, m, plain) && std::stoi(m[1]) > newest_minor) {
      newest_minor = std::stoi(m[1]);
      newest = r;
    }
  }
  if (!newest) {
    throw cli_error("mutants: no CPython runtime found; pass --runtime", exit_code::skipped);
  }
  return *newest;
}

/// The base runtime with `name` applied: python DIR/run_mutant.py NAME ADAPTER [OPTIONS...],
/// DIR being the catalogue's folder.
adapters::runtime_spec mutated(const adapters::runtime_spec& base, const fs::path& dir,
                               const std::string& name) {
  if (base.command.size() < 2) {
    throw cli_error("mutants: runtime " + base.name +
                    " is not an interpreter running the Python adapter");
  }
  adapters::runtime_spec spec = base;
  spec.name = base.name + "+" + name;
  spec.command.insert(spec.command.begin() + 1, {(dir / "run_mutant.py").string(), name});
  return spec;
}

/// Steps of a scenario, every script and nested block counted: the counterexample's size.
std::size_t count_steps(const json& steps) {
  std::size_t n = 0;
  if (!steps.is_array()) return 0;
  for (const json& s : steps) {
    ++n;
    if (!s.is_object()) continue;
    if (s.contains("steps")) n += count_steps(s.at("steps"));
    if (s.contains("expr") && s.at("expr").is_object() && s.at("expr").contains("steps")) {
      n += count_steps(s.at("expr").at("steps"));
    }
  }
  return n;
}

std::size_t scenario_size(const json& doc) {
  std::size_t n = 0;
  if (doc.contains("main") && doc.at("main").is_object() && doc.at("main").contains("steps")) {
    n += count_steps(doc.at("main").at("steps"));
  }
  if (doc.contains("scripts") && doc.at("scripts").is_object()) {
    for (const auto& [name, script] : doc.at("scripts").items()) {
      if (script.is_object() && script.contains("steps")) n += count_steps(script.at("steps"));
    }
  }
  return n;
}

/// Cases 0..cases-1 of `seed` on `runner` until the first nonconformance, which is shrunk.
hunt hunt_first_failure(conformance::case_runner& runner, std::uint64_t seed,
                        const mutants_options& options, const model::profile& profile,
                        const std::set<std::string>& deviation_clauses) {
  hunt h;
  h.seed = seed;
  auto judge = [&](const conformance::live_case& x) {
    return conformance::judge_live(runner, x, profile, deviation_clauses);
  };
  for (std::uint64_t index = 0; index < options.cases; ++index) {
    rc::Shrinkable<conformance::live_case> shrinkable =
        conformance::make_case(seed, index, profile);
    conformance::judged_case judged = judge(shrinkable.value());
    if (judged.outcome == conformance::case_outcome::runtime_failure) {
      if (h.failures++ == 0) h.failure_message = judged.message;
      continue;
    }
    if (judged.outcome != conformance::case_outcome::nonconformance) continue;
    h.first_failure = index;
    const conformance::shrunk_case small =
        conformance::shrink_failure(shrinkable, judged, judge, options.max_shrinks);
    h.clause = small.judged.verdict.clause;
    h.shrunk_steps = scenario_size(small.value.document);
    break;
  }
  return h;
}

std::string median_text(std::vector<std::size_t> values) {
  if (values.empty()) return "-";
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (n % 2 == 1) return std::to_string(values[n / 2]);
  const std::size_t a = values[n / 2 - 1], b = values[n / 2];
  return (a + b) % 2 == 0 ? std::to_string((a + b) / 2) : fmt::format("{}.5", (a + b) / 2);
}

/// The mutants of one catalogue kind and the unmutated runtime they are variants of.
struct mutant_group {
  base_kind kind = base_kind::python;
  std::string base_name;                    ///< "cpython-3.12", "impl"
  adapters::runtime_spec base;              ///< python: the interpreter running the adapter
  std::optional<model::profile> profile;    ///< of the unmutated runtime
  std::set<std::string> deviation_clauses;  ///< its known deviations
  bool base_ok = true;
};

/// The adapter command of mutant `m` of `group`.
adapters::runtime_spec mutant_runtime(const mutant_group& group, const mutant& m,
                                      const mutants_options& options) {
  if (group.kind == base_kind::python) return mutated(group.base, m.dir, m.name);
  adapters::runtime_spec spec;
  spec.name = "impl+" + m.issue;
  spec.command = {fs::absolute(options.impl_mutant_adapter).string(), m.issue};
  return spec;
}

/// The command that replays `seed` on the unmutated runtime (`m` null) or on mutant `m`.
std::string check_command_line(const cli_context& context, const mutant_group& group,
                               const mutant* m, std::uint64_t seed,
                               const mutants_options& options) {
  std::string runtime;
  if (m) {
    runtime = "--runtime-cmd " + adapters::join_command_line({adapters::join_command_line(
                                     mutant_runtime(group, *m, options).command)});
  } else if (group.kind == base_kind::impl) {
    runtime = "--runtime impl";
  } else {
    runtime = "--runtime-cmd " +
              adapters::join_command_line({adapters::join_command_line(group.base.command)});
  }
  return fmt::format("{} check {} --seed {} --cases {}", context.program, runtime, seed,
                     options.cases);
}

/// Starts the group's unmutated runtime, which names the profile, and runs every seed on it.
void run_base(mutant_group& group, std::size_t mutants, const mutants_options& options,
              const cli_context& context) {
  std::unique_ptr<conformance::case_runner> runner;
  nlohmann::json runtime;
  if (group.kind == base_kind::impl) {
    group.base_name = conformance::impl_runtime_name;
    runner = conformance::impl_runner();
  } else {
    group.base = base_runtime(options);
    group.base_name = group.base.name;
    runner = conformance::adapter_runner(group.base, session_options_for(options.timeout));
  }
  runtime = runner->runtime();
  group.deviation_clauses = load_known_deviations(default_deviations_path(default_golden_dir()))
                                .clauses_for(group.base_name, runtime);
  group.profile = model::profile_of_runtime(runtime);
  if (!group.profile) {
    throw cli_error("runtime " + group.base_name + " reports a version with no profile");
  }
  fmt::print("Mutants of {} (profile {}): {} mutant{}, seeds {}..{}, at most {} cases each.\n",
             group.base_name, group.profile->name(), mutants, mutants == 1 ? "" : "s",
             options.first_seed, options.first_seed + options.seeds - 1, options.cases);
  std::fflush(stdout);
  for (std::size_t s = 0; s < options.seeds; ++s) {
    const hunt h = hunt_first_failure(*runner, options.first_seed + s, options, *group.profile,
                                      group.deviation_clauses);
    if (h.first_failure || h.failures > 0) {
      group.base_ok = false;
      fmt::print("UNMUTATED RUNTIME {} FAILS on seed {}: {}\n  reproduce: {}\n", group.base_name,
                 h.seed,
                 h.first_failure ? fmt::format("case {} breaks {}", *h.first_failure, h.clause)
                                 : h.failure_message,
                 check_command_line(context, group, nullptr, h.seed, options));
    }
  }
}

exit_code run_mutants(const mutants_options& options, const cli_context& context) {
  std::vector<fs::path> catalogue_paths;
  for (const std::string& c : options.catalogues) catalogue_paths.push_back(fs::absolute(c));
  if (catalogue_paths.empty()) {
    catalogue_paths = {fs::absolute(mutants_dir() / "catalogue.json"),
                       fs::absolute(mutants_dir() / "impl" / "catalogue.json")};
  }
  std::vector<mutant> mutants;
  std::set<std::string> names;
  for (const fs::path& path : catalogue_paths) {
    for (mutant& m : load_catalogue(path, names)) mutants.push_back(std::move(m));
  }
  if (!options.only.empty()) {
    for (const std::string& name : options.only) {
      if (std::none_of(mutants.begin(), mutants.end(),
                       [&](const mutant& m) { return m.name == name; })) {
        throw cli_error(fmt::format("--only: no mutant '{}' in the catalogues", name));
      }
    }
    std::erase_if(mutants, [&](const mutant& m) {
      return std::find(options.only.begin(), options.only.end(), m.name) == options.only.end();
    });
  }
  if (options.seeds == 0 || options.cases == 0) throw cli_error("--seeds and --cases must be > 0");
  // The mutant build of impl is a test target: without it the default catalogues shrink to
  // the asyncio mutants; a catalogue named on the command line or an --only needs it.
  const fs::path impl_adapter = fs::absolute(options.impl_mutant_adapter);
  if (!fs::exists(impl_adapter)) {
    const bool asked = !options.catalogues.empty() || !options.only.empty();
    for (const mutant& m : mutants) {
      if (m.base != base_kind::impl) continue;
      if (asked) {
        throw cli_error(fmt::format(
            "mutant {}: {} is not built (build the tests' target aioconform-impl-mutant, or "
            "give --impl-mutant-adapter)",
            m.name, impl_adapter.string()));
      }
      fmt::print("Note: {} is not built; the reference runtime's mutants are skipped.\n",
                 impl_adapter.string());
      break;
    }
    std::erase_if(mutants, [](const mutant& m) { return m.base == base_kind::impl; });
  }
  // One group per base runtime that some selected mutant needs, python first.
  std::vector<mutant_group> groups;
  for (base_kind kind : {base_kind::python, base_kind::impl}) {
    if (std::any_of(mutants.begin(), mutants.end(),
                    [&](const mutant& m) { return m.base == kind; })) {
      groups.push_back({});
      groups.back().kind = kind;
    }
  }
  auto group_of = [&](const mutant& m) -> mutant_group& {
    return *std::find_if(groups.begin(), groups.end(),
                         [&](const mutant_group& g) { return g.kind == m.base; });
  };
  const auto started = std::chrono::steady_clock::now();
  // The unmutated runtimes first: each names its profile and must conform on every seed.
  for (mutant_group& group : groups) {
    const std::size_t n = static_cast<std::size_t>(std::count_if(
        mutants.begin(), mutants.end(), [&](const mutant& m) { return m.base == group.kind; }));
    run_base(group, n, options, context);
  }

  std::vector<std::vector<hunt>> hunts(mutants.size());
  parallel_for(mutants.size(), options.jobs, [&](std::size_t i) {
    const mutant_group& group = group_of(mutants[i]);
    std::unique_ptr<conformance::case_runner> runner = conformance::adapter_runner(
        mutant_runtime(group, mutants[i], options), session_options_for(options.timeout));
    for (std::size_t s = 0; s < options.seeds; ++s) {
      hunts[i].push_back(hunt_first_failure(*runner, options.first_seed + s, options,
                                            *group.profile, group.deviation_clauses));
    }
  });

  text_table table({"mutant", "runtime", "clause it breaks", "killed",
                    "cases to first failure (median)", "shrunk size (steps, median)",
                    "clause cited"});
  std::size_t killed = 0;
  bool base_ok = true;
  json bases = json::array();
  for (const mutant_group& group : groups) {
    base_ok = base_ok && group.base_ok;
    bases.push_back({{"runtime", group.base_name},
                     {"profile", group.profile->name()},
                     {"conforms", group.base_ok}});
  }
  json report = {{"runtime", groups.empty() ? "" : groups.front().base_name},
                 {"profile", groups.empty() ? "" : groups.front().profile->name()},
                 {"bases", std::move(bases)},
                 {"seeds", options.seeds},
                 {"first_seed", options.first_seed},
                 {"cases", options.cases},
                 {"unmutated_conforms", base_ok},
                 {"mutants", json::array()}};
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < mutants.size(); ++i) {
    const mutant_group& group = group_of(mutants[i]);
    std::vector<std::size_t> cases, sizes;
    std::set<std::string> cited;
    std::size_t kills = 0;
    json seeds = json::array();
    for (const hunt& h : hunts[i]) {
      json js = {{"seed", h.seed}, {"runtime_failures", h.failures}};
      if (h.first_failure) {
        ++kills;
        cases.push_back(*h.first_failure + 1);
        sizes.push_back(h.shrunk_steps);
        cited.insert(h.clause);
        js["cases_to_first_failure"] = *h.first_failure + 1;
        js["clause"] = h.clause;
        js["shrunk_steps"] = h.shrunk_steps;
      } else {
        notes.push_back(fmt::format(
            "SURVIVED {} on seed {} ({} cases{}).\n  reproduce: {}", mutants[i].name, h.seed,
            options.cases,
            h.failures ? fmt::format(", {} runtime failures: {}", h.failures, h.failure_message)
                       : "",
            check_command_line(context, group, &mutants[i], h.seed, options)));
      }
      seeds.push_back(std::move(js));
    }
    const bool all = kills == hunts[i].size();
    if (all) ++killed;
    std::string cited_text;
    for (const std::string& c : cited) cited_text += (cited_text.empty() ? "" : ", ") + c;
    const std::string runtime =
        group.kind == base_kind::impl ? "impl+" + mutants[i].issue : group.base_name;
    table.add_row({mutants[i].name, runtime, mutants[i].clause,
                   all ? "killed" : fmt::format("SURVIVED ({}/{} seeds)", kills, hunts[i].size()),
                   median_text(cases), median_text(sizes), cited_text.empty() ? "-" : cited_text});
    json entry = {{"name", mutants[i].name},
                  {"runtime", runtime},
                  {"clause", mutants[i].clause},
                  {"killed", all},
                  {"seeds", std::move(seeds)}};
    if (!mutants[i].issue.empty()) entry["issue"] = mutants[i].issue;
    report["mutants"].push_back(std::move(entry));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("\n{}", table.str());
  for (const std::string& n : notes) fmt::print("{}\n", n);
  fmt::print(
      "\nKilled {} of {} mutants ({:.0f}%) in {:.1f} s; the unmutated runtime{} {}.\n", killed,
      mutants.size(),
      mutants.empty() ? 100.0
                      : 100.0 * static_cast<double>(killed) / static_cast<double>(mutants.size()),
      seconds, groups.size() == 1 ? "" : "s",
      base_ok ? (groups.size() == 1 ? "conforms on the same seeds" : "conform on the same seeds")
              : "FAIL (see above)");
  report["killed"] = killed;
  report["seconds"] = seconds;
  if (options.report_json) {
    std::ofstream out(*options.report_json);
    out << report.dump(2) << "\n";
    if (!out) throw cli_error("--report-json: cannot write " + *options.report_json);
  }
  return killed == mutants.size() && base_ok ? exit_code::ok : exit_code::finding;
}
}  // namespace

command add_mutants_command(CLI::App& parent, const cli_context& context) {
  auto options = std::make_shared<mutants_options>();
  CLI::App* app = parent.add_subcommand(
      "mutants",
      "Kill table: each mutant of asyncio and of the reference runtime (tests/mutants/) under "
      "check");
  app->footer(
      "Exit status: 0 every mutant killed on every seed and the unmutated runtime conforms, 1 "
      "otherwise, 2 bad usage or input (also: a reference-runtime mutant not built), 77 no "
      "CPython runtime for the asyncio mutants.");
  app->add_option("--runtime", options->runtime,
                  "Base runtime (default: cpython-3.12, else the newest cpython-3.N)");
  app->add_option("--config", options->config, "Runtime configuration file");
  app->add_option("--catalogue", options->catalogues,
                  "Mutant catalogue, repeatable (default: tests/mutants/catalogue.json, the "
                  "asyncio mutants, and tests/mutants/impl/catalogue.json, the reference "
                  "runtime's)");
  app->add_option("--impl-mutant-adapter", options->impl_mutant_adapter,
                  "The reference runtime's mutant build (tests/mutants/impl/), run as "
                  "'ADAPTER gh-N'")
      ->capture_default_str();
  app->add_option("--only", options->only, "Only these mutants (repeatable)");
  app->add_option("--seed", options->first_seed, "First seed")->capture_default_str();
  app->add_option("--seeds", options->seeds, "Seeds per mutant (consecutive)")
      ->capture_default_str();
  app->add_option("--cases", options->cases, "Case bound per seed")->capture_default_str();
  app->add_option("--max-shrinks", options->max_shrinks, "At most this many runs to shrink")
      ->capture_default_str();
  app->add_option("--jobs,-j", options->jobs, "Mutants run in parallel")->capture_default_str();
  add_timeout_option(*app, options->timeout);
  app->add_option("--report-json", options->report_json, "Also write the table as JSON here");
  return {app, [options, &context] { return run_mutants(*options, context); }};
}

}  // namespace aioconform::cli
