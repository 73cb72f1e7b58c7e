// For every clause family: a recorded golden trace, changed by hand in one place so that it
// breaks one clause, is rejected citing exactly that clause, at that place.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "spec/model/check.h"
#include "tests/model/golden_case.h"

namespace aioconform::model {
namespace {

using nlohmann::json;
using testing::golden_scenario;
using testing::golden_trace;

/// The index of the first event whose fields include all of `match`.
std::size_t find_event(const json& trace, const json& match) {
  const json& events = trace["events"];
  for (std::size_t i = 0; i < events.size(); ++i) {
    bool all = true;
    for (auto it = match.begin(); it != match.end(); ++it) {
      if (!events[i].contains(it.key()) || events[i][it.key()] != it.value()) all = false;
    }
    if (all) return i;
  }
  throw std::runtime_error("no event matches " + match.dump());
}

struct violation {
  std::string name;      ///< the test's name
  std::string scenario;  ///< golden scenario
  std::string runtime;   ///< golden runtime whose trace is changed
  std::function<void(json&)> change;
  std::string clause;  ///< the clause the changed trace breaks
  std::string where;   ///< where the model must say it differs
};

/// Sets `field` of the first event matching `match` to `value`.
std::function<void(json&)> set_event_field(json match, std::string field, json value) {
  return [=](json& t) { t["events"][find_event(t, match)][field] = value; };
}

/// Swaps the first events matching `a` and `b`.
std::function<void(json&)> swap_events(json a, json b) {
  return [=](json& t) { std::swap(t["events"][find_event(t, a)], t["events"][find_event(t, b)]); };
}

const std::vector<violation>& violations() {
  static const std::vector<violation> cases = {
      // loop: c sleeps 2 units; a step of it at t=1 means its timer fired early.
      {"LoopTimerFiredEarly", "loop/timer-deadline-order", "cpython-3.13",
       [](json& t) {
         json& events = t["events"];
         std::size_t i = find_event(t, {{"ev", "step"}, {"at", "1"}, {"task", "c"}});
         events[i]["t"] = events[i]["t"].get<int>() - 1;
       },
       "loop.timer.never-early", ""},
      // loop: call_soon callbacks run in registration order; sleep(0) tasks resume in order.
      {"LoopCallSoonOrder", "loop/call-soon-fifo-sleep0", "cpython-3.13",
       swap_events({{"ev", "start"}, {"task", "a"}}, {{"ev", "start"}, {"task", "b"}}),
       "task.start.next-iteration", ""},
      // task: cancel() on a done task returns False.
      {"TaskCancelDoneReturnsFalse", "task/cancel-finished-task-returns-false", "cpython-3.13",
       set_event_field({{"ev", "cancel"}}, "returned", true), "task.cancel.return-value", ""},
      // task: a swallowed cancellation ends the task with the swallow value.
      {"TaskCancelSwallowValue", "task/cancel-swallowed-returns-value", "cpython-3.13",
       set_event_field({{"ev", "exit"}, {"task", "worker"}}, "outcome",
                       {{"cancelled", {{"message", ""}}}}),
       "task.cancel.swallow", ""},
      // gather: the first exception propagates (not a result list).
      {"GatherFirstExceptionPropagates", "gather/child-raises-others-keep-running", "cpython-3.13",
       set_event_field({{"ev", "await_end"}, {"task", "main"}, {"at", "1"}}, "outcome",
                       {{"result", json::array({"ok", nullptr})}}),
       "gather.exception.first-propagates", ""},
      // gather: results come in argument order.
      {"GatherArgumentOrder", "gather/results-in-argument-order", "cpython-3.13",
       [](json& t) {
         json& oc = t["events"][find_event(t, {{"ev", "await_end"}, {"task", "main"}})]["outcome"];
         std::reverse(oc["result"].begin(), oc["result"].end());
       },
       "gather.order", ""},
      // wait: FIRST_COMPLETED returns when the first child is done: the slow one is pending.
      {"WaitFirstCompletedMembership", "wait/first-completed-others-keep-running", "cpython-3.13",
       [](json& t) {
         json& oc = t["events"][find_event(t, {{"ev", "await_end"}, {"task", "main"}})]["outcome"];
         json& done = oc["result"][0]["$set"];
         json& pending = oc["result"][1]["$set"];
         done.push_back(pending[0]);
         pending.erase(pending.begin());
       },
       "wait.return-when.first-completed", ""},
      // wait: a timeout returns (done, pending) and does not raise.
      {"WaitTimeoutReturns", "wait/timeout-returns-without-cancelling", "cpython-3.13",
       set_event_field({{"ev", "await_end"}, {"task", "main"}}, "outcome",
                       {{"exception", {{"type", "TimeoutError"}, {"message", ""}}}}),
       "wait.timeout.returns", ""},
      // as_completed: items come in completion order.
      {"AsCompletedCompletionOrder", "as_completed/yields-in-completion-order", "cpython-3.13",
       set_event_field({{"ev", "yield"}, {"i", 0}}, "outcome", {{"result", "slow"}}),
       "as_completed.order", ""},
      // as_completed: past the timeout every remaining item raises TimeoutError.
      {"AsCompletedTimeoutRaises", "as_completed/timeout-remaining-items-raise", "cpython-3.13",
       [](json& t) {
         std::size_t i = find_event(
             t, {{"ev", "yield"},
                 {"outcome", {{"exception", {{"message", ""}, {"type", "TimeoutError"}}}}}});
         t["events"][i]["outcome"] = {{"result", "late"}};
       },
       "as_completed.timeout", ""},
      // wait_for: on timeout the inner task is cancelled and TimeoutError raised (3.11+: the
      // builtin).
      {"WaitForTimeoutErrorClass", "wait_for/timeout-cancels-inner", "cpython-3.13",
       set_event_field(
           {{"ev", "await_end"}, {"task", "main"}, {"at", "1"}}, "outcome",
           {{"exception", {{"type", "asyncio.exceptions.TimeoutError"}, {"message", ""}}}}),
       "wait_for.timeout.cancels", ""},
      // wait_for 3.8: TimeoutError even when the inner task swallowed the cancellation.
      {"WaitForInnerSwallows38", "wait_for/inner-swallows-timeout", "cpython-3.8",
       set_event_field({{"ev", "await_end"}, {"task", "main"}, {"at", "1"}}, "outcome",
                       {{"result", "swallowed"}}),
       "wait_for.timeout.error-class", ""},
      // shield: cancelling the outer future leaves the inner task running to its result.
      {"ShieldInnerKeepsRunning", "shield/outer-cancel-inner-keeps-running", "cpython-3.13",
       [](json& t) {
         t["futures"]["inner"]["state"] = {{"cancelled", {{"message", ""}}}};
       },
       "task.await.outcome", "futures.inner"},
      // taskgroup: a failing child makes the group raise an ExceptionGroup.
      {"TaskGroupExceptionGroup", "taskgroup/child-failure-cancels-sibling-and-body",
       "cpython-3.13",
       [](json& t) {
         std::size_t i = find_event(t, {{"ev", "await_end"}, {"task", "main"}});
         t["events"][i]["outcome"] = {{"exception", {{"type", "ValueError"}, {"message", "boom"}}}};
       },
       "taskgroup.exception-group", ""},
      // timeout: an expired block raises TimeoutError.
      {"TimeoutExpireRaises", "timeout/expires-raises-timeout-error", "cpython-3.13",
       set_event_field({{"ev", "block_end"}}, "outcome", {{"cancelled", {{"message", ""}}}}),
       "timeout.expire", ""},
      // timeout: a cancellation from outside the block is not converted.
      {"TimeoutExternalCancelNotConverted", "timeout/external-cancel-not-converted", "cpython-3.13",
       set_event_field({{"ev", "block_end"}}, "outcome",
                       {{"exception", {{"type", "TimeoutError"}, {"message", ""}}}}),
       "timeout.external-cancel", ""},
      // run: a leftover task's exception during shutdown is reported.
      {"RunShutdownExceptionReported", "run/leftover-raises-on-cancel-reported", "cpython-3.13",
       [](json& t) {
         t["events"].erase(t["events"].begin() +
                           static_cast<std::ptrdiff_t>(find_event(t, {{"ev", "report"}})));
       },
       "run.shutdown.exception-reported", ""},
      // run: a task exception nobody retrieved is reported when collected.
      {"NeverRetrievedReported", "task/never-retrieved-report", "cpython-3.13",
       [](json& t) { t["reports"] = json::array(); }, "task.never-retrieved", "reports"},
      // wait_any: the pending children are cancelled once the first completes.
      {"WaitAnyCancelsPending", "wait_any/first-completed-cancels-rest", "cpython-3.13",
       [](json& t) {
         for (auto& [name, f] : t["futures"].items()) {
           if (f["state"].contains("cancelled")) f["state"] = "pending";
         }
       },
       "wait_any.cancel-pending", ""},
  };
  return cases;
}

// Names the case in gtest's messages instead of dumping its bytes.
void PrintTo(const violation& v, std::ostream* os) {
  *os << v.name;
}

class ClauseViolation : public ::testing::TestWithParam<violation> {};

TEST_P(ClauseViolation, IsRejectedCitingTheClause) {
  const violation& v = GetParam();
  format::scenario sc = golden_scenario(v.scenario);
  json trace = golden_trace(v.runtime, v.scenario);
  profile p = *profile_of_runtime(trace["runtime"]);
  ASSERT_TRUE(check(sc, trace, p).accepted) << "the unchanged golden must be accepted";
  v.change(trace);
  verdict result = check(sc, trace, p);
  EXPECT_FALSE(result.accepted);
  EXPECT_EQ(result.clause, v.clause) << result.explanation;
  if (!v.where.empty()) {
    EXPECT_EQ(result.where.rfind(v.where, 0), 0u) << result.where;
  }
  EXPECT_FALSE(result.explanation.empty());
}

INSTANTIATE_TEST_SUITE_P(Families, ClauseViolation, ::testing::ValuesIn(violations()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace aioconform::model
