// End-to-end: the built aioconform command against fake adapters (tests/fakes/), checking
// exit codes, messages and the files it writes.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "adapters/command_line.h"
#include "adapters/subprocess.h"
#include "tests/cli/command_outcome.h"
#include "tests/fakes/fakes.h"

#ifndef AIOCONFORM_BINARY_DIR
#error "AIOCONFORM_BINARY_DIR must be defined by the build"
#endif

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using aioconform::testing::read_file;
using aioconform::testing::temp_directory;
using aioconform::testing::write_file;

using outcome = testing::command_outcome;
using testing::contains;

class aioconform_command : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "empty-bin");
    fs::copy(aioconform::testing::fakes_dir() / "golden", dir / "golden",
             fs::copy_options::recursive);
  }

  // Runs build/aioconform in the scratch directory. PATH, HOME and pyenv point at empty
  // places, so runtime discovery finds nothing and costs nothing: runtimes come from
  // configuration files naming fake adapters.
  outcome run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {fs::path(AIOCONFORM_BINARY_DIR) / "aioconform"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string script = "cd " + adapters::join_command_line({dir.path().string()}) +
                               " && exec " + adapters::join_command_line(argv);
    return testing::run_to_completion({.argv = {"/bin/sh", "-c", script},
                                       .env = {{"PATH", (dir / "empty-bin").string()},
                                               {"HOME", dir.path().string()},
                                               {"PYENV_ROOT", (dir / "no-pyenv").string()},
                                               {"XDG_CONFIG_HOME", (dir / "config").string()}}},
                                      20s);
  }

  // A runtime configuration naming each runtime's fake adapter mode; returns its file name.
  std::string config(const std::string& file, const std::map<std::string, std::string>& modes) {
    nlohmann::json runtimes = nlohmann::json::array();
    for (const auto& [name, mode] : modes) {
      runtimes.push_back({{"name", name}, {"command", aioconform::testing::fake_adapter(mode)}});
    }
    write_file(dir / file,
               nlohmann::json{{"format", "aioconform.runtimes/1"}, {"runtimes", runtimes}}.dump());
    return file;
  }

  temp_directory dir;
  const std::string scenario = "golden/scenarios/fake/returns.json";
};

TEST_F(aioconform_command, help_and_usage_errors) {
  const auto help = run({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(contains(help.out, "replay")) << help.out;

  const auto none = run({});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(contains(none.err, "aioconform: error: ")) << none.err;

  const auto unknown = run({"run", scenario, "--frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(contains(unknown.err, "aioconform: error: ")) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "--frobnicate")) << unknown.err;
}

TEST_F(aioconform_command, run_prints_the_canonical_trace) {
  const auto result = run({"run", scenario, "--runtime-cmd",
                           adapters::join_command_line(aioconform::testing::fake_adapter("good")),
                           "--runtime-name", "fake"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(
      result.out.starts_with("{\n  \"end\": \"completed\",\n  \"events\": [\n    "
                             "{\"ev\":\"start\",\"t\":0,\"task\":\"main\"},\n"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "    \"name\": \"fake\",\n")) << result.out;
  EXPECT_TRUE(result.out.ends_with("  \"scenario\": \"fake/returns\"\n}\n")) << result.out;

  const auto by_name = run({"run", scenario, "--runtime", "fake", "--config",
                            config("runtimes.json", {{"fake", "good"}})});
  EXPECT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_EQ(by_name.out, result.out);
}

TEST_F(aioconform_command, run_reports_misbehaving_adapters) {
  const std::string cfg = config(
      "runtimes.json",
      {{"hangs", "hang"}, {"crashes", "crash"}, {"babbles", "garbage"}, {"refuses", "refuse"}});
  struct expectation {
    std::string runtime;
    std::string message;
  };
  for (const auto& [runtime, message] : std::vector<expectation>{
           {"hangs", "runtime hangs, scenario fake/returns: no answer within 1s"},
           {"crashes", "was killed by signal 11 (SIGSEGV) without answering"},
           {"babbles", "the adapter wrote a line that is not JSON"},
           {"refuses", "the adapter did not start: it reports: uvloop is not importable"},
       }) {
    const auto result =
        run({"run", scenario, "--runtime", runtime, "--config", cfg, "--timeout", "1"});
    EXPECT_EQ(result.code, 2) << runtime;
    EXPECT_TRUE(result.out.empty()) << runtime << ": " << result.out;
    EXPECT_TRUE(result.err.starts_with("aioconform: error: ")) << runtime << ": " << result.err;
    EXPECT_TRUE(contains(result.err, message)) << runtime << ": " << result.err;
  }
}

TEST_F(aioconform_command, run_reports_bad_input) {
  const auto missing = run({"run", "nope.json", "--runtime-cmd", "true"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "aioconform: error: nope.json")) << missing.err;

  write_file(dir / "bad.json", R"({"format": "aioconform.scenario/1", "name": "x",
    "description": "d", "clauses": [], "requires": [], "main": {"steps": [{"op": "fly"}]}})");
  const auto invalid = run({"run", "bad.json", "--runtime-cmd", "true"});
  EXPECT_EQ(invalid.code, 2);
  EXPECT_TRUE(contains(invalid.err, "aioconform: error: bad.json: /main/steps/0")) << invalid.err;

  const auto no_runtime = run({"run", scenario, "--runtime", "cpython-2.0"});
  EXPECT_EQ(no_runtime.code, 2);
  EXPECT_TRUE(contains(no_runtime.err, "runtime 'cpython-2.0' is not installed")) << no_runtime.err;

  write_file(dir / "broken-config.json",
             R"({"format": "aioconform.runtimes/1", "runtimes": [{"name": "x", "command": []}]})");
  const auto bad_config = run({"runtimes", "--config", "broken-config.json"});
  EXPECT_EQ(bad_config.code, 2);
  EXPECT_TRUE(contains(bad_config.err,
                       "aioconform: error: broken-config.json: /runtimes/0/command: must be a "
                       "non-empty array"))
      << bad_config.err;

  const auto quote = run({"run", scenario, "--runtime-cmd", "python3 'oops"});
  EXPECT_EQ(quote.code, 2);
  EXPECT_TRUE(contains(quote.err, "unterminated single quote")) << quote.err;
}

TEST_F(aioconform_command, runtimes_lists_configured_runtimes) {
  const std::string cfg = config("runtimes.json", {{"fake", "good"}});
  const auto table = run({"runtimes", "--config", cfg});
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "NAME")) << table.out;
  EXPECT_TRUE(contains(table.out, "fake")) << table.out;
  EXPECT_TRUE(contains(table.out, "config")) << table.out;
  EXPECT_TRUE(contains(table.out, "1 runtime.")) << table.out;

  const auto listed = run({"runtimes", "--config", cfg, "--json", "--all"});
  EXPECT_EQ(listed.code, 0) << listed.err;
  const auto json = nlohmann::json::parse(listed.out);
  ASSERT_EQ(json["runtimes"].size(), 1u);
  EXPECT_EQ(json["runtimes"][0]["name"], "fake");
  EXPECT_EQ(json["runtimes"][0]["source"], "config");
  EXPECT_TRUE(json["shadowed"].empty());
}

TEST_F(aioconform_command, record_writes_goldens_and_never_overwrites_silently) {
  const std::string good = config("good.json", {{"fake", "good"}});
  const std::string changed = config("changed.json", {{"fake", "good-v2"}});
  const fs::path golden = dir / "golden/traces/fake/fake/returns.json";

  const auto first = run({"record", "--runtime", "fake", "--config", good});
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  EXPECT_TRUE(contains(first.out, "new      fake  fake/returns")) << first.out;
  const std::string recorded = read_file(golden);
  EXPECT_TRUE(contains(recorded, "\"name\": \"fake\"")) << recorded;
  EXPECT_TRUE(fs::exists(dir / "golden/traces/fake/fake/sleeps.json"));

  const auto again = run({"record", "--runtime", "fake", "--config", good});
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_TRUE(contains(again.out, "Recorded: 0 new, 0 updated, 2 unchanged.")) << again.out;

  const auto differs =
      run({"record", "--runtime", "fake", "--config", changed, "--scenarios", "fake/ret*"});
  EXPECT_EQ(differs.code, 1) << differs.out;
  EXPECT_TRUE(contains(differs.out, "fake/returns: differs (not overwritten; use --update)"))
      << differs.out;
  EXPECT_EQ(read_file(golden), recorded);

  const auto updated = run({"record", "--runtime", "fake", "--config", changed, "--update"});
  EXPECT_EQ(updated.code, 0) << updated.out;
  EXPECT_TRUE(contains(updated.out, "updated  fake  fake/returns")) << updated.out;
  EXPECT_NE(read_file(golden), recorded);
}

// A real-clock runtime is stamped in units: a machine stall can change one run, so a
// difference is run again (at most 3 attempts) and a later match is listed, not hidden; a
// virtual-clock runtime gets no second attempt, and a lasting difference still fails.
TEST_F(aioconform_command, replay_gives_a_real_clock_runtime_further_attempts) {
  ASSERT_EQ(
      run({"record", "--runtime", "fake", "--config", config("real.json", {{"fake", "real"}})})
          .code,
      0);
  const auto stalled = run({"replay", "--runtime", "fake", "--config",
                            config("stall.json", {{"fake", "real-stalls-once"}})});
  EXPECT_EQ(stalled.code, 0) << stalled.out << stalled.err;
  EXPECT_TRUE(contains(stalled.out, "Reproduced only on a later attempt")) << stalled.out;
  EXPECT_TRUE(contains(stalled.out, "fake  fake/returns: reproduced on attempt 2 of 3"))
      << stalled.out;

  const auto drifted = run(
      {"replay", "--runtime", "fake", "--config", config("drift.json", {{"fake", "real-drifts"}})});
  EXPECT_EQ(drifted.code, 1) << drifted.out;
  EXPECT_TRUE(contains(drifted.out, "REGRESSION: 2 golden traces no longer reproduce"))
      << drifted.out;
  EXPECT_FALSE(contains(drifted.out, "later attempt")) << drifted.out;
}

TEST_F(aioconform_command, record_reports_runtime_failures) {
  const std::string cfg = config("runtimes.json", {{"crashes", "crash"}, {"fine", "good"}});
  const auto result = run({"record", "--config", cfg, "--runtime", "crashes", "--runtime", "fine"});
  EXPECT_EQ(result.code, 2) << result.out;
  EXPECT_TRUE(contains(result.out, "FAILED   crashes  fake/returns")) << result.out;
  EXPECT_TRUE(contains(result.out, "2 scenario runs failed")) << result.out;
  EXPECT_FALSE(fs::exists(dir / "golden/traces/crashes"));
  EXPECT_TRUE(fs::exists(dir / "golden/traces/fine/fake/returns.json"));
}

TEST_F(aioconform_command, replay_checks_goldens_and_explains_differences) {
  const std::string good = config("good.json", {{"fake", "good"}});
  ASSERT_EQ(run({"record", "--runtime", "fake", "--config", good}).code, 0);

  const auto ok = run({"replay", "--runtime", "fake", "--config", good});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_TRUE(contains(ok.out, "Golden regression check")) << ok.out;
  EXPECT_TRUE(contains(ok.out, "OK: all 2 golden traces reproduced on 1 runtime.")) << ok.out;

  const std::string changed = config("changed.json", {{"fake", "good-v2"}});
  const auto regression = run({"replay", "--runtime", "fake", "--config", changed});
  EXPECT_EQ(regression.code, 1) << regression.out;
  EXPECT_TRUE(contains(regression.out, "REGRESSION: 2 golden traces no longer reproduce"))
      << regression.out;
  EXPECT_TRUE(contains(regression.out,
                       "first difference at events[1].t:\n      golden: 0\n"
                       "      now:    1\n"))
      << regression.out;
  EXPECT_TRUE(
      contains(regression.out, "golden: {\"ev\":\"exit\",\"outcome\":{\"result\":null},\"t\":0,"))
      << regression.out;
  EXPECT_TRUE(contains(regression.out,
                       "now:    {\"ev\":\"exit\",\"outcome\":{\"result\":null},"
                       "\"t\":1,"))
      << regression.out;
  EXPECT_FALSE(contains(regression.out, "the runtime itself changed")) << regression.out;

  // A new interpreter version that behaves the same: still not the golden, but said so.
  const std::string upgraded = config("upgraded.json", {{"fake", "upgraded"}});
  const auto identity = run({"replay", "--runtime", "fake", "--config", upgraded});
  EXPECT_EQ(identity.code, 1) << identity.out;
  EXPECT_TRUE(contains(identity.out, "the runtime itself changed since the golden was recorded"))
      << identity.out;
  EXPECT_TRUE(contains(identity.out, "\"version\":\"0.1\"")) << identity.out;
  EXPECT_TRUE(contains(identity.out, "\"version\":\"0.2\"")) << identity.out;
  EXPECT_TRUE(contains(identity.out, "the behaviour is the same; only the runtime's identity"))
      << identity.out;
  EXPECT_TRUE(contains(regression.out, "reproduce: ")) << regression.out;
  EXPECT_TRUE(contains(regression.out,
                       "/aioconform run golden/scenarios/fake/returns.json "
                       "--runtime fake --config changed.json"))
      << regression.out;

  const std::string crash = config("crash.json", {{"fake", "crash"}});
  const auto failed = run({"replay", "--runtime", "fake", "--config", crash});
  EXPECT_EQ(failed.code, 2) << failed.out;
  EXPECT_TRUE(contains(failed.out, "INCOMPLETE: 2 scenarios could not be run")) << failed.out;
}

TEST_F(aioconform_command, replay_of_a_runtime_that_is_not_installed) {
  const std::string good = config("good.json", {{"fake", "good"}});
  ASSERT_EQ(run({"record", "--runtime", "fake", "--config", good}).code, 0);
  const auto skipped = run({"replay", "--runtime", "cpython-3.99", "--skip-missing"});
  EXPECT_EQ(skipped.code, 77);
  EXPECT_TRUE(contains(skipped.err, "aioconform: skipped: runtime 'cpython-3.99' is not installed"))
      << skipped.err;

  const auto missing = run({"replay", "--runtime", "cpython-3.99"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "aioconform: error: runtime 'cpython-3.99' is not installed"))
      << missing.err;

  // By default replay checks every installed runtime with goldens and names the others.
  const auto by_default = run({"replay", "--config", good});
  EXPECT_EQ(by_default.code, 0) << by_default.out << by_default.err;
  const auto nothing = run({"replay"});
  EXPECT_EQ(nothing.code, 2);
  EXPECT_TRUE(contains(nothing.err, "none of these runtimes is installed")) << nothing.err;
}

TEST_F(aioconform_command, diff_compares_two_runtimes_goldens) {
  const std::string cfg =
      config("runtimes.json", {{"old", "good"}, {"new", "good-v2"}, {"same", "good"}});
  ASSERT_EQ(
      run({"record", "--config", cfg, "--runtime", "old", "--runtime", "new", "--runtime", "same"})
          .code,
      0);
  const auto differs = run({"diff", "old", "new"});
  EXPECT_EQ(differs.code, 1) << differs.out << differs.err;
  EXPECT_TRUE(contains(differs.out, "2 scenarios recorded for both: 0 behave the same, 2 differ."))
      << differs.out;
  EXPECT_TRUE(contains(differs.out, "first difference at events[1].t:")) << differs.out;
  EXPECT_TRUE(contains(differs.out, "in the event:")) << differs.out;

  const auto same = run({"diff", "old", "same"});
  EXPECT_EQ(same.code, 0) << same.out;
  EXPECT_TRUE(contains(same.out, "2 behave the same, 0 differ")) << same.out;

  const auto unknown = run({"diff", "old", "ghost"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(contains(unknown.err, "runtime ghost has no golden traces")) << unknown.err;
}

}  // namespace
}  // namespace aioconform::cli
