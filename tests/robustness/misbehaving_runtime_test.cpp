// The fault matrix of issue 7: each way a runtime under test can misbehave (tests/fakes/
// fake_adapter.py modes) against each command that talks to runtimes. Every cell must end
// within a bounded time with a clear verdict naming the scenario and what the runtime did,
// as a runtime failure (exit 2, never a nonconformance), and go on with the remaining
// scenarios on a restarted adapter; the slow-but-correct and chatty runtimes must pass.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/robustness/cli_sandbox.h"

namespace aioconform::testing {
namespace {

namespace fs = std::filesystem;
using cli::testing::contains;

struct fault {
  std::string name;               ///< the test's name
  std::vector<std::string> mode;  ///< fake_adapter.py MODE ARGS...
  std::string verdict;            ///< what every command must say; "" for a correct runtime
  std::string stderr_hint;        ///< a line of the adapter's stderr the message must quote
  bool at_start;                  ///< the adapter fails before running any scenario
  bool only_second;               ///< only the second scenario fails (exit-after 1)
  std::string timeout;            ///< --timeout
};

// The corpus is fake/returns, fake/returns-1, fake/sleeps (sorted), so scenario 2 of 3
// is fake/returns-1.
const std::vector<fault> faults = {
    // name, fake_adapter.py mode, verdict, stderr quoted, at start, only the second, timeout
    {"never_answers", {"hang"}, "no answer within 2s", "", false, false, "2"},
    {"exits_at_start",
     {"exit-at-start"},
     "it exited with status 3 before writing its hello line",
     "fake: cannot start",
     true,
     false,
     "2"},
    {"exits_after_one_scenario",
     {"exit-after", "1"},
     "exited with status 0 without answering",
     "",
     false,
     true,
     "2"},
    {"crashes_with_a_signal",
     {"crash"},
     "was killed by signal 11 (SIGSEGV) without answering",
     "FakeCrash: the runtime fell over",
     false,
     false,
     "2"},
    {"prints_non_json",
     {"garbage"},
     "the adapter wrote a line that is not JSON: Hello!",
     "",
     false,
     false,
     "2"},
    {"prints_truncated_json",
     {"truncated"},
     "the adapter wrote a line that is not JSON",
     "",
     false,
     false,
     "2"},
    {"answers_another_id", {"wrong-id"}, "the adapter answered id", "", false, false, "2"},
    {"traces_another_scenario",
     {"wrong-scenario"},
     "the adapter's trace is for scenario",
     "",
     false,
     false,
     "2"},
    {"speaks_another_protocol",
     {"old-protocol"},
     "it speaks protocol \"aioconform.adapter/0\"",
     "",
     true,
     false,
     "2"},
    {"floods_stdout",
     {"flood"},
     "without ending the line (an endless stream of output?)",
     "",
     false,
     false,
     "20"},
    {"unknown_event_kind",
     {"unknown-event"},
     "the adapter's trace is invalid at /events/1/ev",
     "",
     false,
     false,
     "2"},
    {"slow_but_correct", {"slow", "0.3"}, "", "", false, false, "2"},
    {"floods_stderr", {"chatty"}, "", "", false, false, "2"},
};

enum class command { run, record, replay, check };

std::string to_string(command c) {
  switch (c) {
    case command::run:
      return "run";
    case command::record:
      return "record";
    case command::replay:
      return "replay";
    case command::check:
      return "check";
  }
  return "?";
}

class misbehaving_runtime : public ::testing::TestWithParam<std::tuple<fault, command>> {
 protected:
  void SetUp() override { sandbox.add_scenarios(1); }

  // Failure output for a cell, with the command line to rerun it by hand.
  std::string context(const std::vector<std::string>& args,
                      const cli::testing::command_outcome& result) const {
    std::string line = "aioconform";
    for (const auto& a : args) line += " " + a;
    return "in " + sandbox.dir.path().string() + ": " + line + "\nexit " +
           std::to_string(result.code) + "\n--- stdout\n" + result.out + "\n--- stderr\n" +
           result.err;
  }

  cli_sandbox sandbox;
};

TEST_P(misbehaving_runtime, gives_a_clear_verdict_and_carries_on) {
  const auto& [f, cmd] = GetParam();
  const std::string cfg = sandbox.config("faulty.json", {{"fake", f.mode}});
  const bool correct = f.verdict.empty();
  std::vector<std::string> args;
  const auto started = std::chrono::steady_clock::now();

  switch (cmd) {
    case command::run: {
      args = {"run",       "golden/scenarios/fake/returns.json",
              "--runtime", "fake",
              "--config",  cfg,
              "--timeout", f.timeout};
      const auto result = sandbox.run(args);
      if (correct || f.only_second) {
        EXPECT_EQ(result.code, 0) << context(args, result);
        EXPECT_TRUE(contains(result.out, "\"scenario\": \"fake/returns\""))
            << context(args, result);
        break;
      }
      EXPECT_EQ(result.code, 2) << context(args, result);
      EXPECT_TRUE(contains(result.err, "fake/returns")) << context(args, result);
      EXPECT_TRUE(contains(result.err, f.verdict)) << context(args, result);
      if (!f.stderr_hint.empty()) {
        EXPECT_TRUE(contains(result.err, f.stderr_hint)) << context(args, result);
      }
      break;
    }
    case command::record: {
      args = {"record", "--runtime", "fake", "--config", cfg, "--timeout", f.timeout};
      const auto result = sandbox.run(args);
      const fs::path traces = sandbox.dir / "golden/traces/fake/fake";
      if (correct) {
        EXPECT_EQ(result.code, 0) << context(args, result);
        EXPECT_TRUE(contains(result.out, "Recorded: 3 new")) << context(args, result);
        break;
      }
      EXPECT_EQ(result.code, 2) << context(args, result);
      EXPECT_TRUE(contains(result.out, f.verdict)) << context(args, result);
      if (!f.stderr_hint.empty()) {
        EXPECT_TRUE(contains(result.out, f.stderr_hint)) << context(args, result);
      }
      if (f.only_second) {
        // The adapter is restarted after the failure: the third scenario is recorded.
        EXPECT_TRUE(contains(result.out, "FAILED   fake  fake/returns-1")) << context(args, result);
        EXPECT_TRUE(contains(result.out, "1 scenario run failed")) << context(args, result);
        EXPECT_TRUE(fs::exists(traces / "returns.json"));
        EXPECT_FALSE(fs::exists(traces / "returns-1.json"));
        EXPECT_TRUE(fs::exists(traces / "sleeps.json"));
      } else {
        // Every scenario is tried (a restarted adapter each time) and reported.
        for (const char* name : {"fake/returns\n", "fake/returns-1\n", "fake/sleeps\n"}) {
          EXPECT_TRUE(contains(result.out, std::string("FAILED   fake  ") + name))
              << name << context(args, result);
        }
        EXPECT_TRUE(contains(result.out, "3 scenario runs failed")) << context(args, result);
        EXPECT_FALSE(fs::exists(traces));
      }
      break;
    }
    case command::replay: {
      const std::string good = sandbox.config("good.json", {{"fake", {"good"}}});
      const auto recorded = sandbox.run({"record", "--runtime", "fake", "--config", good});
      ASSERT_EQ(recorded.code, 0) << recorded.out << recorded.err;
      const std::string golden = read_file(sandbox.dir / "golden/traces/fake/fake/returns.json");
      args = {"replay", "--runtime", "fake", "--config", cfg, "--timeout", f.timeout};
      const auto result = sandbox.run(args);
      EXPECT_EQ(read_file(sandbox.dir / "golden/traces/fake/fake/returns.json"), golden);
      if (correct) {
        EXPECT_EQ(result.code, 0) << context(args, result);
        EXPECT_TRUE(contains(result.out, "OK: all 3 golden traces reproduced"))
            << context(args, result);
        break;
      }
      EXPECT_EQ(result.code, 2) << context(args, result);
      EXPECT_TRUE(contains(result.out, f.verdict)) << context(args, result);
      EXPECT_FALSE(contains(result.out, "REGRESSION")) << context(args, result);
      EXPECT_TRUE(contains(result.out, f.only_second ? "INCOMPLETE: 1 scenario could not be run"
                                                     : "INCOMPLETE: 3 scenarios could not be run"))
          << context(args, result);
      break;
    }
    case command::check: {
      args = {"check",    "--runtime", "fake",  "--config",      cfg, "--profile",
              "3.12",     "--cases",   "2",     "--seed",        "7", "--timeout",
              f.timeout,  "--jobs",    "1",     "--max-shrinks", "0", "--findings",
              "findings", "--golden",  "golden"};
      const auto result = sandbox.run(args);
      if (correct) {
        // The fake's trivial trace may well be a nonconformance; what matters is that the
        // runtime was judged, not failed.
        EXPECT_TRUE(result.code == 0 || result.code == 1) << context(args, result);
        EXPECT_FALSE(contains(result.out, "RUNTIME FAILURE")) << context(args, result);
        break;
      }
      EXPECT_EQ(result.code, 2) << context(args, result);
      if (f.at_start) {
        EXPECT_TRUE(contains(result.err, f.verdict)) << context(args, result);
        break;
      }
      EXPECT_TRUE(contains(result.out, "RUNTIME FAILURE case 1: runtime fake, scenario "))
          << context(args, result);
      EXPECT_TRUE(contains(result.out, f.verdict)) << context(args, result);
      if (!f.only_second) {
        EXPECT_TRUE(contains(result.out, "RUNTIME FAILURE case 0: runtime fake, scenario "))
            << context(args, result);
        EXPECT_FALSE(contains(result.out, "NONCONFORMANCE")) << context(args, result);
      }
      break;
    }
  }
  // Bounded: a few timeouts at most, never a hang.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(40));
}

INSTANTIATE_TEST_SUITE_P(
    faults, misbehaving_runtime,
    ::testing::Combine(::testing::ValuesIn(faults),
                       ::testing::Values(command::run, command::record, command::replay,
                                         command::check)),
    [](const ::testing::TestParamInfo<std::tuple<fault, command>>& param_info) {
      return std::get<0>(param_info.param).name + "_" + to_string(std::get<1>(param_info.param));
    });

}  // namespace
}  // namespace aioconform::testing
