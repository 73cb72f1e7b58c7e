// Nothing lost: SIGINT or SIGTERM sent to a real aioconform process in the middle of a long
// run. It must stop promptly (without waiting out a slow adapter), keep every golden and
// finding it completed, leave no temporary file, print a report marked partial, and exit
// 128 + the signal. A spent --time-budget ends a run the same way, with exit 2.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/robustness/cli_sandbox.h"

namespace aioconform::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cli::testing::contains;

struct interrupted_run {
  std::string out;
  int code = -1;
  std::chrono::steady_clock::duration stop_time{};  // from the signal to the exit
};

// Starts `args`, waits for a stdout line containing `cue`, sends `signal_number`, and
// collects the rest.
interrupted_run interrupt_after(const cli_sandbox& sandbox, const std::vector<std::string>& args,
                                const std::string& cue, int signal_number) {
  adapters::subprocess child(sandbox.command(args));
  child.close_stdin();
  interrupted_run run;
  for (;;) {
    const auto read = child.read_line(30s);
    if (read.status != adapters::subprocess::read_status::line) {
      ADD_FAILURE() << "no line containing '" << cue << "' before the output ended:\n"
                    << run.out << read.line << "\nstderr:\n"
                    << child.stderr_tail(1s);
      return run;
    }
    run.out += read.line + "\n";
    if (contains(read.line, cue)) break;
  }
  const auto signalled = std::chrono::steady_clock::now();
  ::kill(child.pid(), signal_number);
  for (;;) {
    const auto read = child.read_line(30s);
    if (read.status != adapters::subprocess::read_status::line) {
      run.out += read.line;
      break;
    }
    run.out += read.line + "\n";
  }
  const auto status = child.wait_exit(30s);
  run.stop_time = std::chrono::steady_clock::now() - signalled;
  run.code = status && !status->signaled ? status->code : -1;
  run.out += "\n--- stderr\n" + child.stderr_tail(1s);
  return run;
}

std::vector<fs::path> files_below(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

TEST(interrupt, record_keeps_finished_goldens_and_says_it_is_partial) {
  cli_sandbox sandbox;
  sandbox.add_scenarios(6);  // eight scenarios, four seconds each
  const std::string cfg = sandbox.config("slow.json", {{"fake", {"slow", "4"}}});
  const auto run = interrupt_after(sandbox, {"record", "--runtime", "fake", "--config", cfg},
                                   "new      fake  fake/returns", SIGINT);
  EXPECT_EQ(run.code, 130) << run.out;
  EXPECT_TRUE(contains(run.out,
                       "PARTIAL: interrupted by SIGINT; 7 scenario runs were not "
                       "started. The goldens written are complete."))
      << run.out;
  // The scenario in flight was abandoned at once, not waited for (it had 4 s to go).
  EXPECT_LT(run.stop_time, 3s) << run.out;

  const auto goldens = files_below(sandbox.dir / "golden/traces");
  ASSERT_EQ(goldens.size(), 1u) << run.out;  // no half-written or temporary file
  EXPECT_EQ(goldens[0].string(), (sandbox.dir / "golden/traces/fake/fake/returns.json").string());
  const auto trace = nlohmann::json::parse(read_file(goldens[0]));
  EXPECT_EQ(trace["scenario"], "fake/returns");

  // A second run without --update keeps the completed golden and records the rest.
  const std::string fast = sandbox.config("fast.json", {{"fake", {"good"}}});
  const auto rest = sandbox.run({"record", "--runtime", "fake", "--config", fast});
  EXPECT_EQ(rest.code, 0) << rest.out << rest.err;
  EXPECT_TRUE(contains(rest.out, "Recorded: 7 new, 0 updated, 1 unchanged.")) << rest.out;
}

TEST(interrupt, check_keeps_findings_and_marks_its_json_report_partial) {
  cli_sandbox sandbox;
  const std::string cfg = sandbox.config("slow.json", {{"fake", {"slow", "1"}}});
  const auto run = interrupt_after(
      sandbox, {"check",       "--runtime",     "fake",  "--config",   cfg,        "--profile",
                "3.12",        "--cases",       "50",    "--seed",     "7",        "--jobs",
                "1",           "--max-shrinks", "0",     "--findings", "findings", "--report-json",
                "report.json", "--golden",      "golden"},
      "NONCONFORMANCE case 0", SIGTERM);
  EXPECT_EQ(run.code, 143) << run.out;
  EXPECT_TRUE(contains(run.out, "PARTIAL: interrupted by SIGTERM;")) << run.out;
  EXPECT_TRUE(contains(run.out, "of 50 cases not run. Findings saved so far are complete."))
      << run.out;
  EXPECT_LT(run.stop_time, 3s) << run.out;

  // Case 0's finding is on disk in full: every file of its folder is non-empty.
  const auto findings = files_below(sandbox.dir / "findings");
  ASSERT_FALSE(findings.empty()) << run.out;
  for (const auto& file : findings) EXPECT_GT(fs::file_size(file), 0u) << file;

  const auto report = nlohmann::json::parse(read_file(sandbox.dir / "report.json"));
  ASSERT_TRUE(report.contains("partial")) << report.dump(2);
  EXPECT_EQ(report["partial"]["reason"], "SIGTERM");
  EXPECT_GE(report["partial"]["cases_not_run"].get<int>(), 40);
}

TEST(time_budget, a_spent_budget_ends_record_and_replay_with_a_partial_report) {
  cli_sandbox sandbox;
  sandbox.add_scenarios(6);
  const std::string slow = sandbox.config("slow.json", {{"fake", {"slow", "0.4"}}});
  const auto started = std::chrono::steady_clock::now();
  const auto record = sandbox.run(
      {"record", "--runtime", "fake", "--config", slow, "--time-budget", "1", "--timeout", "5"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 6s);
  EXPECT_EQ(record.code, 2) << record.out << record.err;
  EXPECT_TRUE(contains(record.out, "PARTIAL: the time budget of 1 s was spent;")) << record.out;
  const auto written = files_below(sandbox.dir / "golden/traces").size();
  EXPECT_GE(written, 1u);
  EXPECT_LT(written, 8u);

  const std::string fast = sandbox.config("fast.json", {{"fake", {"good"}}});
  ASSERT_EQ(sandbox.run({"record", "--runtime", "fake", "--config", fast}).code, 0);
  const auto replay = sandbox.run(
      {"replay", "--runtime", "fake", "--config", slow, "--time-budget", "1", "--timeout", "5"});
  EXPECT_EQ(replay.code, 2) << replay.out << replay.err;
  EXPECT_TRUE(contains(replay.out, "PARTIAL: the time budget of 1 s was spent;")) << replay.out;
  EXPECT_TRUE(contains(replay.out, "not replayed, so not checked.")) << replay.out;
  EXPECT_FALSE(contains(replay.out, "OK: all")) << replay.out;
}

}  // namespace
}  // namespace aioconform::testing
