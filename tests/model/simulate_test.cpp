// same_run: the cheap judgement of a live case. A trace equal to the model's simulation is
// accepted without running the model again, so same_run must never hold for a trace that
// check() rejects.

#include "spec/model/simulate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "spec/model/check.h"
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

}  // namespace
}  // namespace aioconform::model
