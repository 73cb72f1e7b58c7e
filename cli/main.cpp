// aioconform: run asyncio scenarios on runtimes, record and replay golden traces.
// Exit status: 0 ok, 1 a finding (nonconformance, regression, difference), 2 bad usage,
// bad input or infrastructure failure, 77 a requested runtime is not installed, 130/143
// interrupted by SIGINT/SIGTERM (what was finished is kept; the report says it is partial).

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <vector>

#include "cli/cli_error.h"
#include "cli/command.h"
#include "cli/interrupt.h"
#include "format/format_error.h"

namespace aioconform::cli {
// The report subcommands (cli/explain_command.cpp, cli/matrix_command.cpp).
command add_explain_command(CLI::App& parent, const cli_context& context);
command add_matrix_command(CLI::App& parent, const cli_context& context);
}  // namespace aioconform::cli

namespace {

using aioconform::cli::exit_code;

int report_error(std::string_view message, exit_code code = exit_code::failure) {
  fmt::print(stderr, "aioconform: error: {}\n", message);
  // An error caused by the interrupt (an abandoned adapter) is not the run's verdict.
  if (aioconform::cli::interrupted()) return aioconform::cli::interrupted_exit_status();
  return static_cast<int>(code);
}

int run(int argc, char** argv) {
  namespace cli = aioconform::cli;
  const cli::cli_context context{argc > 0 ? argv[0] : "aioconform"};

  CLI::App app{
      "aioconform: conformance checks for asyncio combinators.\n"
      "Runs scenarios (golden/scenarios/*.json) on Python runtimes through adapters and\n"
      "compares the traces they produce with recorded goldens.",
      "aioconform"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every subcommand");
  const std::vector<cli::command> commands = {
      cli::add_runtimes_command(app, context), cli::add_run_command(app, context),
      cli::add_record_command(app, context),   cli::add_replay_command(app, context),
      cli::add_diff_command(app, context),     cli::add_verify_command(app, context),
      cli::add_simulate_command(app, context), cli::add_check_command(app, context),
      cli::add_explain_command(app, context),  cli::add_matrix_command(app, context),
      cli::add_mutants_command(app, context)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help
  } catch (const CLI::ParseError& e) {
    std::string where = "aioconform";
    for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
    fmt::print(stderr, "aioconform: error: {}\nRun '{} --help' for usage.\n", e.what(), where);
    return static_cast<int>(exit_code::failure);
  }

  cli::install_interrupt_handlers();
  for (const auto& command : commands) {
    if (!command.app->parsed()) continue;
    const exit_code code = command.run();
    return cli::interrupted() ? cli::interrupted_exit_status() : static_cast<int>(code);
  }
  return report_error("no subcommand given");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const aioconform::cli::cli_error& e) {
    if (e.code() == exit_code::skipped) {
      fmt::print(stderr, "aioconform: skipped: {}\n", e.what());
      return static_cast<int>(e.code());
    }
    return report_error(e.what(), e.code());
  } catch (const aioconform::format::format_error& e) {
    return report_error(e.what());
  } catch (const std::exception& e) {
    return report_error(e.what());
  } catch (...) {
    return report_error("unexpected failure (unknown exception)");
  }
}
