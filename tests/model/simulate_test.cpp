// same_run: the cheap judgement of a live case. A trace equal to the model's simulation is
// accepted without running the model again, so same_run must never hold for a trace that
// check() rejects.

#include "spec/model/simulate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "spec/model/check.h"
#include "spec/model/world.h"
#include "tests/model/golden_case.h"

namespace aioconform::model {
namespace {

TEST(SameRun, TheSimulatedTraceItself) {
  const format::scenario sc = testing::golden_scenario("gather/child-raises-others-keep-running");
  const profile p = *parse_profile("3.12");
  const simulation s = simulate(sc, p);
  EXPECT_TRUE(same_run(s, s.trace));
}

TEST(SameRun, AnyDifferenceIsLeftToCheck) {
  const format::scenario sc = testing::golden_scenario("gather/child-raises-others-keep-running");
  const profile p = *parse_profile("3.12");
  const simulation s = simulate(sc, p);
  nlohmann::json later = s.trace;
  later["events"].back()["t"] = later["events"].back()["t"].get<int>() + 1;
  EXPECT_FALSE(same_run(s, later));
  EXPECT_FALSE(check(sc, later, p).accepted);
  nlohmann::json fewer = s.trace;
  fewer["events"].erase(fewer["events"].size() - 1);
  EXPECT_FALSE(same_run(s, fewer));
  nlohmann::json no_reports = s.trace;
  no_reports.erase("reports");
  EXPECT_FALSE(same_run(s, no_reports));
  nlohmann::json hung = s.trace;
  hung["end"] = "hang";
  EXPECT_FALSE(same_run(s, hung));
}

TEST(SameRun, RealClockTracesAreLeftToCheck) {
  const format::scenario sc = testing::golden_scenario("gather/child-raises-others-keep-running");
  const profile p = *parse_profile("3.12");
  const simulation s = simulate(sc, p);
  nlohmann::json real = s.trace;
  real["runtime"]["clock"] = "real";
  EXPECT_FALSE(same_run(s, real));
}

// Every recorded golden trace that equals its runtime's simulation is one check() accepts.
TEST(SameRun, NeverAcceptsWhatCheckRejects) {
  const std::filesystem::path traces = testing::golden_dir() + "/traces";
  std::size_t matched = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(traces)) {
    if (entry.path().extension() != ".json") continue;
    const std::filesystem::path relative = std::filesystem::relative(entry.path(), traces);
    const std::string runtime = relative.begin()->string();
    std::string name =
        std::filesystem::path(relative.lexically_relative(runtime)).replace_extension().string();
    const nlohmann::json trace = testing::golden_trace(runtime, name);
    const std::optional<profile> p = profile_of_runtime(trace.at("runtime"));
    if (!p) continue;
    const format::scenario sc = testing::golden_scenario(name);
    if (!same_run(simulate(sc, *p), trace)) continue;
    ++matched;
    EXPECT_TRUE(check(sc, trace, *p).accepted) << runtime << " " << name;
  }
  EXPECT_GT(matched, 0U);
}

// Clause coverage counts a clause only where the model took the branch it describes: a
// scenario whose flow never reaches a branch does not exercise its clause.
TEST(ExercisedClauses, OnlyTheBranchesTaken) {
  const profile p = *parse_profile("3.12");
  const std::set<std::string> zero = exercised_clauses(
      simulate(testing::golden_scenario("timeout/zero-expires-at-first-yield"), p));
  EXPECT_TRUE(zero.contains("timeout.zero"));
  EXPECT_FALSE(zero.contains("timeout.none"));
  const std::set<std::string> later = exercised_clauses(
      simulate(testing::golden_scenario("timeout/expires-raises-timeout-error"), p));
  EXPECT_TRUE(later.contains("timeout.expire"));
  EXPECT_FALSE(later.contains("timeout.zero"));
  const std::set<std::string> raises = exercised_clauses(
      simulate(testing::golden_scenario("gather/child-raises-others-keep-running"), p));
  EXPECT_TRUE(raises.contains("gather.exception.others-keep-running"));
  const std::set<std::string> ordered =
      exercised_clauses(simulate(testing::golden_scenario("gather/results-in-argument-order"), p));
  EXPECT_FALSE(ordered.contains("gather.exception.others-keep-running"));
  EXPECT_FALSE(ordered.contains("task.never-retrieved"));
  // What a feature the profile lacks decides is the trace's end (run.features).
  const simulation unsupported = simulate(
      testing::golden_scenario("timeout/zero-expires-at-first-yield"), *parse_profile("3.10"));
  EXPECT_EQ(exercised_clauses(unsupported), std::set<std::string>{"run.features"});
}

}  // namespace
}  // namespace aioconform::model
