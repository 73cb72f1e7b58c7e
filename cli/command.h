#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/exit_code.h"

namespace aioconform::cli {

/// What every subcommand may need from the command line as a whole.
struct cli_context {
  std::string program;  // argv[0] as typed, so that printed commands can be pasted back
};

/// A subcommand: CLI11 parses into its options, then run() does the work.
struct command {
  CLI::App* app = nullptr;
  std::function<exit_code()> run;
};

command add_runtimes_command(CLI::App& parent, const cli_context& context);
command add_run_command(CLI::App& parent, const cli_context& context);
command add_record_command(CLI::App& parent, const cli_context& context);
command add_replay_command(CLI::App& parent, const cli_context& context);
command add_diff_command(CLI::App& parent, const cli_context& context);
command add_check_command(CLI::App& parent, const cli_context& context);
command add_simulate_command(CLI::App& parent, const cli_context& context);
command add_verify_command(CLI::App& parent, const cli_context& context);
command add_mutants_command(CLI::App& parent, const cli_context& context);

}  // namespace aioconform::cli
