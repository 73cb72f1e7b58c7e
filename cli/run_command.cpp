// aioconform run: one scenario on one runtime; the canonical trace on stdout.

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "adapters/adapter_session.h"
#include "adapters/impl/run_scenario.h"
#include "adapters/impl/scenario_interpreter.h"
#include "adapters/runtime_config.h"
#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/runtime_catalog.h"
#include "cli/timeout_option.h"
#include "format/canonical_json.h"
#include "format/scenario_codec.h"

namespace aioconform::cli {
namespace {

struct run_options {
  std::string scenario_file;
  std::optional<std::string> runtime;
  std::optional<std::string> runtime_cmd;
  std::string runtime_name = "custom";
  double timeout = default_timeout_seconds;
  std::optional<std::string> config;
};

adapters::runtime_spec chosen_runtime(const run_options& options) {
  if (options.runtime_cmd) {
    try {
      return adapters::runtime_from_command(*options.runtime_cmd, options.runtime_name);
    } catch (const std::invalid_argument& e) {
      throw cli_error(fmt::format("--runtime-cmd: {}", e.what()));
    }
  }
  runtime_catalog catalog(options.config);
  return catalog.require(*options.runtime);
}

/// The reference runtime (impl/) runs in this process: no adapter, no subprocess.
constexpr const char* impl_runtime_name = "impl";

exit_code run_on_impl(const format::scenario& scenario) {
  nlohmann::json trace;
  try {
    trace = impl_runtime::run_scenario(scenario);
  } catch (const impl_runtime::scenario_error& e) {
    throw cli_error(fmt::format("{}: {}", scenario.name, e.what()));
  }
  fmt::print("{}", format::canonical_document(trace));
  return exit_code::ok;
}

exit_code run_scenario(const run_options& options) {
  const format::scenario scenario = format::load_scenario(options.scenario_file);
  if (options.runtime == impl_runtime_name) return run_on_impl(scenario);
  const adapters::runtime_spec runtime = chosen_runtime(options);
  adapters::adapter_session session(runtime, session_options_for(options.timeout));
  const adapters::run_result result = session.run(scenario.source);
  switch (result.status) {
    case adapters::run_status::ok:
      break;
    case adapters::run_status::unsupported:
      fmt::print(stderr, "aioconform: note: {} lacks features this scenario needs: {}\n",
                 runtime.name, result.trace.value("missing", nlohmann::json::array()).dump());
      break;
    case adapters::run_status::error:
    case adapters::run_status::runtime_failure:
      throw cli_error(result.message);
  }
  fmt::print("{}", format::canonical_document(result.trace));
  return exit_code::ok;
}

}  // namespace

command add_run_command(CLI::App& parent, const cli_context& /*context*/) {
  auto options = std::make_shared<run_options>();
  CLI::App* app =
      parent.add_subcommand("run", "Run one scenario on one runtime; print its canonical trace");
  app->footer(
      "Exit status: 0 trace printed, 2 the scenario or runtime is bad or the adapter "
      "failed (the message says which).");
  app->add_option("SCENARIO_FILE", options->scenario_file,
                  "An aioconform.scenario/1 file, e.g. golden/scenarios/gather/x.json")
      ->required();
  auto* runtime =
      app->add_option("--runtime", options->runtime,
                      "Runtime name, as listed by 'aioconform runtimes', or 'impl' for the "
                      "reference runtime, run in-process");
  auto* runtime_cmd =
      app->add_option("--runtime-cmd", options->runtime_cmd,
                      "Adapter command line, split like a shell would (no shell runs it), e.g. "
                      "'/opt/py/bin/python3 adapters/python/aioconform_adapter.py'");
  app->add_option("--runtime-name", options->runtime_name,
                  "Name of the --runtime-cmd runtime in the trace")
      ->needs(runtime_cmd)
      ->capture_default_str();
  runtime->excludes(runtime_cmd);
  add_timeout_option(*app, options->timeout);
  app->add_option("--config", options->config, "Runtime configuration file")->excludes(runtime_cmd);
  return {app, [options] {
            if (!options->runtime && !options->runtime_cmd) {
              throw cli_error("run: give --runtime NAME or --runtime-cmd CMD");
            }
            return run_scenario(*options);
          }};
}

}  // namespace aioconform::cli
