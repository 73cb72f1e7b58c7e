// The model against itself on the whole scenario corpus, under every profile: each trace it
// simulates (several seeds) is one it accepts, and the same seed gives the same trace.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "format/canonical_json.h"
#include "format/scenario_codec.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"
#include "tests/model/golden_case.h"

namespace aioconform::model {
namespace {

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  const std::filesystem::path root = testing::golden_dir() + "/scenarios";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    std::string name = std::filesystem::relative(entry.path(), root).replace_extension().string();
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

const std::vector<std::string> profiles = {"3.8",  "3.9",  "3.10",       "3.11",
                                           "3.12", "3.13", "3.12-eager", "3.13-eager"};

class CorpusConsistency : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusConsistency, EverySimulatedTraceIsAccepted) {
  const profile p = *parse_profile(GetParam());
  for (const std::string& name : scenario_names()) {
    format::scenario sc = testing::golden_scenario(name);
    for (std::uint64_t seed : {0, 1, 2, 3}) {
      simulation s = simulate(sc, p, seed);
      verdict v = check(sc, s.trace, p);
      EXPECT_TRUE(v.accepted) << name << " seed " << seed << ": " << v.explanation;
      if (s.choices == 0) break;  // no open choice: every seed gives this trace
    }
  }
}

TEST_P(CorpusConsistency, SameSeedSameTrace) {
  const profile p = *parse_profile(GetParam());
  for (const std::string& name : scenario_names()) {
    format::scenario sc = testing::golden_scenario(name);
    EXPECT_EQ(format::canonical_compact(simulate(sc, p, 7).trace),
              format::canonical_compact(simulate(sc, p, 7).trace))
        << name;
  }
}

TEST(CorpusConsistency, EqualDeadlinesHaveEveryOrder) {
  // Four timers with one deadline: 4! orders are allowed (loop.timer.equal-deadline.unordered).
  format::scenario sc = testing::golden_scenario("loop/timer-equal-deadline-four");
  enumeration all = enumerate_traces(sc, latest_profile);
  EXPECT_TRUE(all.complete);
  EXPECT_EQ(all.traces.size(), 24u);
  for (const auto& trace : all.traces) EXPECT_TRUE(check(sc, trace, latest_profile).accepted);
}

TEST(CorpusConsistency, ManyEqualDeadlinesCostAboutOneRun) {
  // Eight children sleeping 1: 8! orders are allowed; check follows the trace's order
  // (ranking tied timers by when their tasks act next) instead of trying them in turn.
  nlohmann::json doc = {
      {"format", "aioconform.scenario/1"},
      {"name", "t/eight-ties"},
      {"description", "eight equal deadlines"},
      {"clauses", nlohmann::json::array()},
      {"requires", nlohmann::json::array()},
      {"scripts", {{"s", {{"steps", {{{"op", "sleep"}, {"d", 1}}}}}}}},
      {"main",
       {{"steps",
         {{{"op", "await"},
           {"expr", {{"kind", "gather"}, {"children", nlohmann::json::array()}}}}}}}}};
  for (int i = 0; i < 8; ++i) {
    doc["main"]["steps"][0]["expr"]["children"].push_back({{"script", "s"}});
  }
  const format::scenario sc = format::parse_scenario(doc, "eight-ties");
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    simulation s = simulate(sc, latest_profile, seed);
    EXPECT_EQ(s.choices, 7u);  // the order of 8 tied timers, picked one at a time
    verdict v = check(sc, s.trace, latest_profile);
    EXPECT_TRUE(v.accepted) << "seed " << seed << ": " << v.explanation;
    EXPECT_LE(v.schedules, 2u) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Profiles, CorpusConsistency, ::testing::ValuesIn(profiles),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           std::replace(n.begin(), n.end(), '.', '_');
                           std::replace(n.begin(), n.end(), '-', '_');
                           return "Py" + n;
                         });

}  // namespace
}  // namespace aioconform::model
