// End-to-end: `aioconform verify` on a small golden directory made of real goldens, some
// changed: verdicts, exit codes, the clause named, the deviation list kept honest.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/command_line.h"
#include "adapters/subprocess.h"
#include "format/canonical_json.h"
#include "tests/cli/command_outcome.h"
#include "tests/fakes/fakes.h"

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using aioconform::testing::temp_directory;
using aioconform::testing::write_file;

using outcome = testing::command_outcome;
using testing::contains;

const std::string scenario = "gather/child-raises-others-keep-running";

class verify_command : public ::testing::Test {
 protected:
  // DIR/golden holds one scenario with its cpython-3.13 and cpython-3.8 goldens;
  // DIR/spec/deviations.json is the deviation list verify reads by default.
  void SetUp() override {
    const fs::path source = fs::path(AIOCONFORM_SOURCE_DIR) / "golden";
    for (const char* runtime : {"cpython-3.13", "cpython-3.8"}) {
      fs::create_directories(dir / "golden/traces" / runtime / "gather");
      fs::copy_file(source / "traces" / runtime / (scenario + ".json"),
                    dir / "golden/traces" / runtime / (scenario + ".json"));
    }
    fs::create_directories(dir / "golden/scenarios/gather");
    fs::copy_file(source / "scenarios" / (scenario + ".json"),
                  dir / "golden/scenarios" / (scenario + ".json"));
    fs::create_directories(dir / "spec");
    deviations(nlohmann::json::array());
  }

  void deviations(const nlohmann::json& list) {
    write_file(dir / "spec/deviations.json",
               nlohmann::json{{"format", "aioconform.deviations/1"}, {"deviations", list}}.dump());
  }

  fs::path trace_path(const std::string& runtime) {
    return dir / "golden/traces" / runtime / (scenario + ".json");
  }

  // Makes gather return a list where the golden has it raise the first exception.
  void break_gather(const std::string& runtime) {
    nlohmann::json trace =
        nlohmann::json::parse(aioconform::testing::read_file(trace_path(runtime)));
    for (auto& ev : trace["events"]) {
      if (ev["ev"] == "await_end" && ev["task"] == "main" && ev["at"] == "1") {
        ev["outcome"] = {{"result", nlohmann::json::array({"ok", nullptr})}};
      }
    }
    write_file(trace_path(runtime), format::canonical_document(trace));
  }

  outcome run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {(fs::path(AIOCONFORM_BINARY_DIR) / "aioconform").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string script = "cd " + adapters::join_command_line({dir.path().string()}) +
                               " && exec " + adapters::join_command_line(argv);
    return testing::run_to_completion({.argv = {"/bin/sh", "-c", script}}, 20s);
  }

  temp_directory dir;
};

TEST_F(verify_command, accepts_real_goldens_under_their_profiles) {
  const auto result = run({"verify"});
  EXPECT_EQ(result.code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "cpython-3.13  3.13     1")) << result.out;
  EXPECT_TRUE(contains(result.out, "cpython-3.8   3.8      1")) << result.out;
  EXPECT_FALSE(contains(result.out, "FINDING")) << result.out;
}

TEST_F(verify_command, a_changed_golden_is_a_finding_naming_the_clause) {
  break_gather("cpython-3.13");
  const auto result = run({"verify"});
  EXPECT_EQ(result.code, 1) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "FINDING golden/traces/cpython-3.13/" + scenario)) << result.out;
  EXPECT_TRUE(contains(result.out, "[gather.exception.first-propagates]")) << result.out;
  EXPECT_TRUE(contains(result.out, "at events[9]")) << result.out;
  EXPECT_TRUE(contains(result.out, "verify --runtime cpython-3.13 --scenarios '" + scenario + "'"))
      << result.out;

  const auto file = run({"verify", trace_path("cpython-3.13").string()});
  EXPECT_EQ(file.code, 1) << file.out << file.err;
  EXPECT_TRUE(contains(file.out, "REJECTED")) << file.out;
}

TEST_F(verify_command, a_listed_deviation_is_expected_and_must_stay_true) {
  break_gather("cpython-3.8");
  deviations({{{"runtime", "cpython-3.8"},
               {"scenario", scenario},
               {"clause", "gather.exception.first-propagates"},
               {"why", "test"}}});
  const auto expected = run({"verify"});
  EXPECT_EQ(expected.code, 0) << expected.out << expected.err;
  EXPECT_TRUE(contains(expected.out, "cpython-3.8   3.8      0         1")) << expected.out;

  // Listed for another clause: still a finding.
  deviations({{{"runtime", "cpython-3.8"},
               {"scenario", scenario},
               {"clause", "gather.order"},
               {"why", "test"}}});
  const auto other = run({"verify"});
  EXPECT_EQ(other.code, 1) << other.out;
  EXPECT_TRUE(contains(other.out, "listed as a deviation of clause gather.order")) << other.out;

  // Listed but no longer deviating: stale.
  deviations({{{"runtime", "cpython-3.13"},
               {"scenario", scenario},
               {"clause", "gather.order"},
               {"why", "test"}}});
  const auto stale = run({"verify", "--runtime", "cpython-3.13"});
  EXPECT_EQ(stale.code, 1) << stale.out;
  EXPECT_TRUE(contains(stale.out, "remove it from the deviation list")) << stale.out;
}

TEST_F(verify_command, a_malformed_deviation_list_names_file_and_field) {
  deviations({{{"runtime", "cpython-3.8"}, {"scenario", scenario}}});
  const auto result = run({"verify"});
  EXPECT_EQ(result.code, 2) << result.out;
  EXPECT_TRUE(contains(result.err, "deviations.json")) << result.err;
  EXPECT_TRUE(contains(result.err, "$.deviations[0].clause")) << result.err;
  EXPECT_TRUE(contains(result.err, "expected a non-empty string")) << result.err;
}

TEST_F(verify_command, an_unknown_profile_is_a_usage_error) {
  const auto result = run({"verify", "--profile", "3.7"});
  EXPECT_EQ(result.code, 2);
  EXPECT_TRUE(contains(result.err, "unknown profile '3.7'")) << result.err;
}

}  // namespace
}  // namespace aioconform::cli
