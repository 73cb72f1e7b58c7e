// End-to-end: `aioconform mutants` on the Python adapter running on the system's python3
// (configured as a runtime named "sys"): chosen mutants are killed on every seed, the table
// shows the numbers, an unkillable "mutant" survives and fails the run with the command that
// reproduces it, and a bad catalogue is named.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/command_outcome.h"
#include "tests/fakes/fakes.h"

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using aioconform::testing::temp_directory;
using outcome = testing::command_outcome;
using testing::contains;

class mutants_command : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path source(AIOCONFORM_SOURCE_DIR);
    std::ofstream(dir / "runtimes.json")
        << nlohmann::json{{"format", "aioconform.runtimes/1"},
                          {"runtimes",
                           {{{"name", "sys"},
                             {"command",
                              {AIOCONFORM_TEST_PYTHON,
                               (source / "adapters/python/aioconform_adapter.py").string()}}}}}};
  }
  outcome run(std::vector<std::string> args) {
    std::vector<std::string> argv = {(fs::path(AIOCONFORM_BINARY_DIR) / "aioconform").string(),
                                     "mutants",
                                     "--config",
                                     (dir / "runtimes.json").string(),
                                     "--runtime",
                                     "sys"};
    argv.insert(argv.end(), args.begin(), args.end());
    outcome result = testing::run_to_completion({.argv = argv}, 120s);
    result.out += result.err;
    return result;
  }
  /// A catalogue in `dir` naming mutant modules copied from tests/mutants/, plus `extra`.
  std::string catalogue(const std::vector<std::string>& names, const std::string& extra = "") {
    const fs::path source = fs::path(AIOCONFORM_SOURCE_DIR) / "tests/mutants";
    nlohmann::json doc = {{"format", "aioconform.mutants/1"}, {"mutants", nlohmann::json::array()}};
    for (const std::string& n : names) {
      doc["mutants"].push_back({{"name", n}, {"clause", "some.clause"}, {"bug", "a bug"}});
    }
    if (!extra.empty()) doc["mutants"].push_back(nlohmann::json::parse(extra));
    std::ofstream(dir / "catalogue.json") << doc.dump(2);
    return (dir / "catalogue.json").string();
  }
  temp_directory dir;
};

TEST_F(mutants_command, chosen_mutants_are_killed_and_the_table_shows_the_numbers) {
  const auto result = run({"--only", "sleep_wakes_early", "--only", "cancel_message_dropped",
                           "--seeds", "2", "--cases", "60", "--max-shrinks", "20"});
  EXPECT_EQ(result.code, 0) << result.out;
  EXPECT_TRUE(std::regex_search(
      result.out,
      std::regex(R"(sleep_wakes_early +sys +loop\.timer\.never-early +killed +\d+(\.5)? +\d+)")))
      << result.out;
  EXPECT_TRUE(std::regex_search(
      result.out, std::regex(R"(cancel_message_dropped +sys +task\.cancel\.message +killed)")))
      << result.out;
  EXPECT_TRUE(contains(result.out, "Killed 2 of 2 mutants (100%)")) << result.out;
  EXPECT_TRUE(contains(result.out, "the unmutated runtime conforms on the same seeds"))
      << result.out;
}

TEST_F(mutants_command, a_reference_runtime_mutant_is_killed_against_impl) {
  // tests/mutants/impl/catalogue.json, one of the default catalogues: the mutant build of
  // impl/ with gh-95704 on, against impl in-process; no CPython base is started.
  const auto result = run({"--only", "gh_95704_taskgroup_parent_cancel_hides_errors", "--seeds",
                           "1", "--cases", "60", "--max-shrinks", "20"});
  EXPECT_EQ(result.code, 0) << result.out;
  EXPECT_TRUE(contains(result.out, "Mutants of impl (profile 3.13): 1 mutant")) << result.out;
  EXPECT_FALSE(contains(result.out, "Mutants of sys")) << result.out;
  EXPECT_TRUE(std::regex_search(
      result.out, std::regex(R"(gh_95704_taskgroup_parent_cancel_hides_errors +impl\+gh-95704 +)"
                             R"(taskgroup\.parent-cancel\.errors-win +killed)")))
      << result.out;
}

TEST_F(mutants_command, a_surviving_mutant_fails_the_run_with_a_reproducer) {
  // A module that changes nothing cannot be killed.
  std::ofstream(dir / "harmless.py")
      << "\"\"\"Mutant: none.\"\"\"\n\ndef apply(asyncio):\n    pass\n";
  fs::copy_file(fs::path(AIOCONFORM_SOURCE_DIR) / "tests/mutants/run_mutant.py",
                dir / "run_mutant.py");
  const std::string path =
      catalogue({}, R"({"name": "harmless", "clause": "none", "bug": "none"})");
  const auto result = run({"--catalogue", path, "--seeds", "1", "--cases", "15"});
  EXPECT_EQ(result.code, 1) << result.out;
  EXPECT_TRUE(
      std::regex_search(result.out, std::regex(R"(harmless +sys +none +SURVIVED \(0/1 seeds\))")))
      << result.out;
  EXPECT_TRUE(contains(result.out, "SURVIVED harmless on seed 1 (15 cases)")) << result.out;
  EXPECT_TRUE(contains(result.out, "check --runtime-cmd")) << result.out;
  EXPECT_TRUE(contains(result.out, "Killed 0 of 1 mutants (0%)")) << result.out;
}

TEST_F(mutants_command, a_bad_catalogue_is_named) {
  const std::string path =
      catalogue({}, R"({"name": "no_such_module", "clause": "x", "bug": "y"})");
  const auto result = run({"--catalogue", path});
  EXPECT_EQ(result.code, 2) << result.out;
  EXPECT_TRUE(contains(result.out, "mutants[0].name: no module")) << result.out;
  std::ofstream(dir / "catalogue.json")
      << R"({"format": "aioconform.mutants/1", "mutants": [{"name": "a"}]})";
  const auto missing = run({"--catalogue", path});
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_TRUE(contains(missing.out, "mutants[0].clause: expected a non-empty string"))
      << missing.out;
}

}  // namespace
}  // namespace aioconform::cli
