// How fast model::check finds the schedule of a real trace. The golden here was case 488
// of seed 1 on CPython 3.13, which `aioconform check` gave up on (inconclusive at 2000
// schedules, counted as conforming): asyncio.run's shutdown cancels the leftovers in
// all_tasks() set order, which the tasks' wake-ups after those cancellations do not show.
// Ranking that choice by who acts first in the trace led the search into 7! wrong orders.

#include <gtest/gtest.h>

#include "spec/model/check.h"
#include "tests/model/golden_case.h"

namespace aioconform::model {
namespace {

using testing::golden_scenario;
using testing::golden_trace;

struct search_case {
  const char* scenario;
  const char* runtime;
  profile judged_by;
};

TEST(ScheduleSearch, ShutdownOrderIsFoundAtOnce) {
  const search_case cases[] = {
      {"run/shutdown-order-not-wake-order", "cpython-3.13", profile{13, false}},
      {"run/shutdown-order-not-wake-order", "cpython-3.11-pytasks", profile{11, false}},
  };
  for (const search_case& c : cases) {
    SCOPED_TRACE(std::string(c.scenario) + " on " + c.runtime);
    const verdict v =
        check(golden_scenario(c.scenario), golden_trace(c.runtime, c.scenario), c.judged_by, 2000);
    EXPECT_TRUE(v.accepted) << v.explanation;
    EXPECT_FALSE(v.inconclusive);
    EXPECT_LE(v.schedules, 3u);
  }
}

}  // namespace
}  // namespace aioconform::model
