// diff's classification over the corpus: each difference between two runtimes' goldens is a
// documented change, an order the spec leaves open, a known deviation or unexplained.

#include "report/behaviour_change.h"

#include <gtest/gtest.h>

#include <map>

#include "format/scenario_codec.h"
#include "report/timeline.h"
#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

struct classified {
  std::map<std::string, behaviour_change> by_scenario;
};

const clause_catalog& spec() {
  static const clause_catalog c = clause_catalog::load(testing::source_dir() / "spec/SPEC.md");
  return c;
}

/// Classifies every scenario whose goldens differ on `a` and `b` (no deviation list).
classified classify_corpus(const std::string& a, const std::string& b) {
  classified out;
  for (const std::string& name : testing::scenario_names()) {
    const json ta = testing::read_json(testing::trace_path(a, name));
    const json tb = testing::read_json(testing::trace_path(b, name));
    json ba = ta, bb = tb;
    ba.erase("runtime");
    bb.erase("runtime");
    if (ba == bb) continue;
    const json doc = testing::read_json(testing::golden_dir() / "scenarios" / (name + ".json"));
    out.by_scenario[name] = classify_change(format::parse_scenario(doc, name), ta, tb, spec(),
                                            std::nullopt, std::nullopt);
  }
  return out;
}

TEST(classify_change, cpython_311_and_312_differ_only_by_documented_changes) {
  const classified c = classify_corpus("cpython-3.11", "cpython-3.12");
  ASSERT_FALSE(c.by_scenario.empty());
  for (const auto& [name, change] : c.by_scenario) {
    EXPECT_EQ(change.kind, change_kind::documented_change)
        << name << ": " << change_kind_name(change.kind) << " " << change.clause << ": "
        << change.explanation;
  }
  // The README's evidence for 3.12.
  ASSERT_TRUE(c.by_scenario.contains("gather/all-children-already-done"));
  EXPECT_EQ(c.by_scenario.at("gather/all-children-already-done").clause, "gather.done-children");
  ASSERT_TRUE(c.by_scenario.contains("wait_for/coroutine-runs-inline-from-3.12"));
}

TEST(classify_change, c_and_python_tasks_never_differ) {
  EXPECT_TRUE(classify_corpus("cpython-3.12", "cpython-3.12-pytasks").by_scenario.empty());
}

TEST(classify_change, equal_deadline_timers_are_an_order_the_spec_leaves_open) {
  const classified c = classify_corpus("cpython-3.11", "uvloop-3.11");
  ASSERT_TRUE(c.by_scenario.contains("loop/timer-equal-deadline-four"));
  const behaviour_change& change = c.by_scenario.at("loop/timer-equal-deadline-four");
  EXPECT_EQ(change.kind, change_kind::open_order) << change.explanation;
  // Filed under the clause of the transition at the first differing event.
  EXPECT_FALSE(change.clause.empty());
}

TEST(classify_change, a_listed_deviation_is_known_and_a_mutated_trace_is_unexplained) {
  const std::string name = "seeds/004-flaky-gather";
  const json doc = testing::read_json(testing::golden_dir() / "scenarios" / (name + ".json"));
  const format::scenario sc = format::parse_scenario(doc, name);
  const json a = testing::read_json(testing::trace_path("cpython-3.13", name));
  json b = testing::read_json(testing::trace_path("cpython-3.13-pytasks", name));
  // flaky0 returns 7 instead of None: no profile allows it.
  b["events"][8]["outcome"]["result"] = 7;
  const behaviour_change unexplained =
      classify_change(sc, a, b, spec(), std::nullopt, std::nullopt);
  EXPECT_EQ(unexplained.kind, change_kind::unexplained) << unexplained.explanation;
  EXPECT_NE(unexplained.explanation.find("cpython-3.13-pytasks's trace under profile 3.13"),
            std::string::npos)
      << unexplained.explanation;
  const behaviour_change known =
      classify_change(sc, a, b, spec(), std::nullopt, std::string("task.await.outcome"));
  EXPECT_EQ(known.kind, change_kind::known_deviation);
  EXPECT_EQ(known.clause, "task.await.outcome");
}

}  // namespace
}  // namespace aioconform::report
