#include "report/timeline.h"

#include <gtest/gtest.h>

#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

class seed_004 : public ::testing::Test {
 protected:
  json scenario =
      testing::read_json(testing::golden_dir() / "scenarios/seeds/004-flaky-gather.json");
  json trace = testing::read_json(testing::trace_path("cpython-3.13", "seeds/004-flaky-gather"));
};

TEST_F(seed_004, one_lane_per_task_in_the_order_tasks_first_act) {
  const timeline tl = make_timeline(scenario, trace, {});
  ASSERT_EQ(tl.lanes.size(), 4u);
  EXPECT_EQ(tl.lanes[0].task, "main");
  EXPECT_EQ(tl.lanes[1].task, "flaky0#1");
  EXPECT_EQ(tl.lanes[3].task, "flaky2#1");
  EXPECT_EQ(tl.events.size(), trace["events"].size());
  EXPECT_EQ(tl.runtime, "cpython-3.13");
  EXPECT_EQ(tl.end, "completed");
  // flaky2's lane runs from its start (event 6) to its cancelled exit (the last event).
  EXPECT_EQ(tl.lanes[3].first, 6u);
  EXPECT_EQ(tl.lanes[3].last, tl.events.size() - 1);
}

TEST_F(seed_004, events_are_classified_and_described_from_the_scenario) {
  const timeline tl = make_timeline(scenario, trace, {});
  EXPECT_EQ(tl.events[0].kind, mark::start);
  EXPECT_EQ(tl.events[1].kind, mark::call);
  EXPECT_EQ(tl.events[1].text, "await gather(flaky0(), flaky1(), flaky2())");
  EXPECT_EQ(tl.events[3].kind, mark::sleep);
  EXPECT_EQ(tl.events[3].text, "sleep(0)");
  EXPECT_EQ(tl.events[8].kind, mark::completed);
  EXPECT_EQ(tl.events[10].kind, mark::raised);
  EXPECT_EQ(tl.events[10].text, "raised ValueError()");
  EXPECT_EQ(tl.events[11].kind, mark::returned_to);
  EXPECT_EQ(tl.events[11].text, "gather raised ValueError()");
  EXPECT_EQ(tl.events[13].kind, mark::cancel_arrives);
  EXPECT_EQ(tl.events[14].kind, mark::cancelled);
  EXPECT_EQ(tl.events[14].t, 1);
}

TEST_F(seed_004, clauses_are_attached_by_event_index) {
  std::vector<std::string> clauses(trace["events"].size(), "");
  clauses[11] = "gather.exception.first-propagates";
  const timeline tl = make_timeline(scenario, trace, clauses);
  EXPECT_EQ(tl.events[11].clause, "gather.exception.first-propagates");
  EXPECT_EQ(tl.events[10].clause, "");
  // Fewer clauses than events: the rest are unknown, not an error.
  EXPECT_EQ(make_timeline(scenario, trace, {"x"}).events[5].clause, "");
}

TEST_F(seed_004, first_event_difference_finds_the_first_changed_event) {
  EXPECT_EQ(first_event_difference(trace, trace), std::nullopt);
  json other = trace;
  other["events"][7]["t"] = 5;
  EXPECT_EQ(first_event_difference(trace, other), 7u);
  json shorter = trace;
  shorter["events"].erase(shorter["events"].end() - 1);
  EXPECT_EQ(first_event_difference(trace, shorter), shorter["events"].size());
}

TEST(timeline, an_unsupported_run_has_no_lanes_and_names_what_is_missing) {
  const json trace =
      testing::read_json(testing::trace_path("cpython-3.8", "taskgroup/body-raises"));
  const timeline tl = make_timeline(json::object(), trace, {});
  EXPECT_EQ(tl.end, "unsupported");
  EXPECT_TRUE(tl.lanes.empty());
  EXPECT_EQ(tl.missing, std::vector<std::string>{"task_group"});
}

}  // namespace
}  // namespace aioconform::report
