#pragma once

// A scratch directory holding a copy of the fake golden corpus (tests/fakes/golden), in
// which the built aioconform command runs with runtimes configured to be fake adapters.

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/command_line.h"
#include "adapters/subprocess.h"
#include "tests/cli/command_outcome.h"
#include "tests/fakes/fakes.h"

#ifndef AIOCONFORM_BINARY_DIR
#error "AIOCONFORM_BINARY_DIR must be defined by the build"
#endif

namespace aioconform::testing {

class cli_sandbox {
 public:
  cli_sandbox() {
    std::filesystem::create_directories(dir / "empty-bin");
    std::filesystem::copy(fakes_dir() / "golden", dir / "golden",
                          std::filesystem::copy_options::recursive);
  }

  /// The options that start build/aioconform with `args` in the scratch directory. PATH,
  /// HOME and pyenv point at empty places, so runtime discovery finds nothing: runtimes
  /// come from configuration files naming fake adapters.
  adapters::subprocess_options command(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {
        (std::filesystem::path(AIOCONFORM_BINARY_DIR) / "aioconform").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string script = "cd " + adapters::join_command_line({dir.path().string()}) +
                               " && exec " + adapters::join_command_line(argv);
    return {.argv = {"/bin/sh", "-c", script},
            .env = {{"PATH", (dir / "empty-bin").string()},
                    {"HOME", dir.path().string()},
                    {"PYENV_ROOT", (dir / "no-pyenv").string()},
                    {"XDG_CONFIG_HOME", (dir / "config").string()}}};
  }

  /// Runs build/aioconform to completion (at most `timeout` per output line and for exit).
  cli::testing::command_outcome run(const std::vector<std::string>& args,
                                    std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    return cli::testing::run_to_completion(command(args), timeout);
  }

  /// Writes a runtime configuration naming, for each runtime, its fake adapter argv
  /// (tests/fakes/fake_adapter.py MODE ARGS...); returns the file's name.
  std::string config(const std::string& file,
                     const std::map<std::string, std::vector<std::string>>& modes) const {
    nlohmann::json runtimes = nlohmann::json::array();
    for (const auto& [name, mode] : modes) {
      runtimes.push_back(
          {{"name", name},
           {"command", fake_adapter(mode.at(0), std::vector(mode.begin() + 1, mode.end()))}});
    }
    write_file(dir / file,
               nlohmann::json{{"format", "aioconform.runtimes/1"}, {"runtimes", runtimes}}.dump());
    return file;
  }

  /// Adds golden scenarios fake/returns-1 ... fake/returns-N (copies of fake/returns).
  void add_scenarios(int count) const {
    const std::string returns = read_file(dir / "golden/scenarios/fake/returns.json");
    for (int i = 1; i <= count; ++i) {
      std::string text = returns;
      const std::string name = "\"fake/returns\"";
      text.replace(text.find(name), name.size(), "\"fake/returns-" + std::to_string(i) + "\"");
      write_file(dir / ("golden/scenarios/fake/returns-" + std::to_string(i) + ".json"), text);
    }
  }

  temp_directory dir;
};

}  // namespace aioconform::testing
