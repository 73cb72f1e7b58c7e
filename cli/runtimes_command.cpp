// aioconform runtimes: the runtimes this machine offers, and where each comes from.

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "adapters/command_line.h"
#include "adapters/runtime_discovery.h"
#include "cli/command.h"
#include "cli/runtime_catalog.h"
#include "cli/text_table.h"

namespace aioconform::cli {
namespace {

struct runtimes_options {
  bool all = false;
  bool json = false;
  std::optional<std::string> config;
};

std::string implementation_text(const adapters::runtime_spec& runtime) {
  if (runtime.implementation.empty()) return "?";
  const std::string name = runtime.implementation == "cpython" ? "CPython"
                           : runtime.implementation == "pypy"  ? "PyPy"
                                                               : runtime.implementation;
  return fmt::format("{} {}", name, runtime.version);
}

std::string options_text(const adapters::runtime_spec& runtime) {
  if (runtime.source == "config" || runtime.source == "--runtime-cmd") {
    return adapters::join_command_line(runtime.command);
  }
  return adapters::join_command_line(runtime.options);
}

nlohmann::json runtime_json(const adapters::runtime_spec& runtime) {
  nlohmann::json out = {{"name", runtime.name},       {"implementation", runtime.implementation},
                        {"version", runtime.version}, {"interpreter", runtime.interpreter},
                        {"source", runtime.source},   {"description", runtime.description},
                        {"options", runtime.options}, {"command", runtime.command},
                        {"env", runtime.env}};
  if (runtime.shadowed_by) out["shadowed_by"] = *runtime.shadowed_by;
  return out;
}

exit_code print_json(runtime_catalog& catalog, const runtimes_options& options) {
  nlohmann::json out = {{"runtimes", nlohmann::json::array()}};
  for (const auto& runtime : catalog.all()) out["runtimes"].push_back(runtime_json(runtime));
  if (options.all) {
    out["shadowed"] = nlohmann::json::array();
    for (const auto& runtime : catalog.shadowed()) out["shadowed"].push_back(runtime_json(runtime));
    out["skipped"] = nlohmann::json::array();
    for (const auto& skipped : catalog.skipped()) {
      out["skipped"].push_back({{"interpreter", skipped.interpreter.path},
                                {"source", skipped.interpreter.source},
                                {"reason", skipped.reason}});
    }
  }
  out["adapter"] = adapters::default_adapter_script();
  if (catalog.config_file()) out["config"] = catalog.config_file()->string();
  fmt::print("{}\n", out.dump(2));
  return exit_code::ok;
}

exit_code print_table(runtime_catalog& catalog, const runtimes_options& options) {
  const auto runtimes = catalog.all();
  text_table table({"NAME", "IMPLEMENTATION", "INTERPRETER", "SOURCE", "OPTIONS"});
  for (const auto& runtime : runtimes) {
    table.add_row({runtime.name, implementation_text(runtime), runtime.interpreter, runtime.source,
                   options_text(runtime)});
  }
  if (runtimes.empty()) {
    fmt::print(
        "No runtimes found: no python3, python3.8 ... python3.13 or pypy3 on PATH, no "
        "pyenv installs, no configuration file.\n");
  } else {
    fmt::print("{}", table.str());
  }

  const auto shadowed = catalog.shadowed();
  const auto& skipped = catalog.skipped();
  fmt::print("\n{} runtime{}.", runtimes.size(), runtimes.size() == 1 ? "" : "s");
  if (options.all) {
    if (!shadowed.empty()) {
      text_table shadow({"NAME", "IMPLEMENTATION", "INTERPRETER", "SOURCE", "SHADOWED BY"});
      for (const auto& runtime : shadowed) {
        shadow.add_row({runtime.name, implementation_text(runtime), runtime.interpreter,
                        runtime.source, runtime.shadowed_by.value_or("")});
      }
      fmt::print(
          "\n\nShadowed: an interpreter earlier on PATH gives the same name, so these are "
          "not used:\n{}",
          shadow.str(2));
    }
    if (!skipped.empty()) {
      text_table skip({"INTERPRETER", "SOURCE", "WHY NOT USED"});
      for (const auto& entry : skipped) {
        skip.add_row({entry.interpreter.path, entry.interpreter.source, entry.reason});
      }
      fmt::print("\n\nSkipped interpreters:\n{}", skip.str(2));
    }
  } else if (!shadowed.empty() || !skipped.empty()) {
    fmt::print(" Not shown: {} shadowed runtime{} and {} skipped interpreter{} (see --all).",
               shadowed.size(), shadowed.size() == 1 ? "" : "s", skipped.size(),
               skipped.size() == 1 ? "" : "s");
  }
  fmt::print("\n");

  const std::string adapter = adapters::default_adapter_script();
  std::error_code ec;
  fmt::print("Python adapter: {}{}\n", adapter,
             std::filesystem::exists(adapter, ec) ? "" : "  (missing! set AIOCONFORM_ADAPTER_DIR)");
  if (catalog.config_file()) fmt::print("Configuration: {}\n", catalog.config_file()->string());
  return exit_code::ok;
}

}  // namespace

command add_runtimes_command(CLI::App& parent, const cli_context& /*context*/) {
  auto options = std::make_shared<runtimes_options>();
  CLI::App* app = parent.add_subcommand(
      "runtimes",
      "List the runtimes on this machine: interpreters on PATH and in pyenv, and "
      "configured ones");
  app->footer(
      "Each CPython 3.8-3.13 gives cpython-X.Y (C tasks) and cpython-X.Y-pytasks (pure-Python "
      "tasks), 3.12+ also cpython-X.Y-eager (eager task factory); PyPy gives pypy-X.Y; an "
      "interpreter where uvloop imports also gives uvloop-X.Y. When two interpreters give the "
      "same name, the first on PATH wins (a pyenv shims directory stands for the pyenv "
      "installs).");
  app->add_flag("--all", options->all,
                "Also list shadowed runtimes and interpreters that cannot be used, with why");
  app->add_flag("--json", options->json, "Print JSON instead of a table");
  app->add_option("--config", options->config,
                  "Runtime configuration file (default: ./aioconform-runtimes.json, else "
                  "~/.config/aioconform/runtimes.json)");
  return {app, [options] {
            runtime_catalog catalog(options->config);
            return options->json ? print_json(catalog, *options) : print_table(catalog, *options);
          }};
}

}  // namespace aioconform::cli
