#include "spec/model/proc.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "spec/model/world.h"

namespace aioconform::model {
namespace {

/// Runs a root proc (one that never suspends on the loop) to its end.
outcome run_to_end(proc p) {
  p.handle().resume();
  EXPECT_TRUE(p.done());
  return p.take_outcome();
}

proc returns(json v) {
  co_return v;
}

proc raises(py_exception e) {
  co_return py_raise{std::move(e)};
}

proc throws(py_exception e) {
  throw py_raise{std::move(e)};
  co_return nullptr;
}

proc fails_to_interpret() {
  throw scenario_error{"cannot go on"};
  co_return nullptr;
}

/// `return await inner`: passes the callee's outcome on as it is.
proc forwards(proc inner) {
  co_return co_await inner;
}

/// Propagates what `inner` raises, else adds one to its value; notes what it saw.
proc adds_one(proc inner, std::vector<std::string>& seen) {
  outcome r = co_await inner;
  seen.push_back(r.raised() ? "raised " + r.exception->type : "value " + r.value.dump());
  if (r.raised()) co_return r;
  co_return r.value.get<int>() + 1;
}

TEST(Proc, AwaitingGivesTheCalleesValue) {
  std::vector<std::string> seen;
  outcome r = run_to_end(adds_one(returns(41), seen));
  EXPECT_FALSE(r.raised());
  EXPECT_EQ(r.value, 42);
  EXPECT_EQ(seen, std::vector<std::string>{"value 41"});
}

TEST(Proc, ARaisedExceptionReachesEachAwaitingFrameAsTheSameObject) {
  py_exception e = make_exception("ValueError", "boom");
  std::vector<std::string> seen;
  outcome r = run_to_end(forwards(adds_one(forwards(raises(e)), seen)));
  ASSERT_TRUE(r.raised());
  EXPECT_EQ(r.exception, e);  // identity, not an equal copy
  EXPECT_TRUE(r.value.is_null());
  EXPECT_EQ(seen, std::vector<std::string>{"raised ValueError"});
}

TEST(Proc, AThrownPyRaiseEndsTheProcAsCoReturnDoes) {
  py_exception e = make_exception("KeyError", "'k'");
  std::vector<std::string> seen;
  outcome r = run_to_end(adds_one(throws(e), seen));
  ASSERT_TRUE(r.raised());
  EXPECT_EQ(r.exception, e);
  EXPECT_EQ(seen, std::vector<std::string>{"raised KeyError"});
}

TEST(Proc, AScenarioErrorUnwindsThroughTheAwaitingFrames) {
  std::vector<std::string> seen;
  proc p = forwards(adds_one(fails_to_interpret(), seen));
  p.handle().resume();
  ASSERT_TRUE(p.done());
  EXPECT_THROW(p.take_outcome(), scenario_error);
  EXPECT_TRUE(seen.empty());  // adds_one never saw an outcome
}

/// Notes "guard" when destroyed, like sleep's timer guard.
struct guard {
  std::vector<std::string>& log;
  ~guard() { log.push_back("guard"); }
};

proc raises_with_guard(py_exception e, std::vector<std::string>& log) {
  guard g{log};
  co_return py_raise{std::move(e)};
}

proc notes_outcome(proc inner, std::vector<std::string>& log) {
  outcome r = co_await inner;
  log.push_back(r.raised() ? "raised" : "returned");
  co_return r;
}

TEST(Proc, ARaisingFramesLocalsAreGoneBeforeItsCallerResumes) {
  std::vector<std::string> log;
  outcome r = run_to_end(notes_outcome(raises_with_guard(make_exception("E", ""), log), log));
  EXPECT_TRUE(r.raised());
  EXPECT_EQ(log, (std::vector<std::string>{"guard", "raised"}));
}

class null_sink : public event_sink {
 public:
  void event(json, std::string_view) override {}
};

class first_choice : public chooser {
 public:
  std::size_t choose(std::size_t, const std::vector<std::string>&) override { return 0; }
};

/// Awaits `f`; notes what the await gave, then propagates it.
proc awaits_future(world& w, fid f, outcome& seen) {
  seen = co_await w.wait(f);
  co_return seen;
}

TEST(Proc, AwaitingAFutureGivesItsException) {
  null_sink sink;
  first_choice choices;
  world w(latest_profile, sink, choices);
  fid f = w.create_future();
  py_exception e = make_exception("ValueError", "bad");
  outcome seen;
  fid t = w.create_task(awaits_future(w, f, seen), "t");
  ASSERT_TRUE(w.run_once());  // t starts and waits for f
  w.set_exception(f, e, "task.await.outcome");
  ASSERT_TRUE(w.run_once());  // t wakes up
  EXPECT_EQ(seen.exception, e);
  ASSERT_TRUE(w.done(t));
  EXPECT_EQ(w.at(t).exception, e);  // the task ends raising the very object
}

TEST(Proc, ACancellationThrownIntoAWaitingTaskIsDeliveredAsAValue) {
  null_sink sink;
  first_choice choices;
  world w(latest_profile, sink, choices);
  fid f = w.create_future();
  outcome seen;
  fid t = w.create_task(awaits_future(w, f, seen), "t");
  ASSERT_TRUE(w.run_once());
  ASSERT_TRUE(w.cancel(t, std::string("stop"), "task.cancel.return-value"));
  ASSERT_TRUE(w.run_once());  // the cancelled f wakes t with CancelledError("stop")
  ASSERT_TRUE(seen.raised());
  EXPECT_TRUE(is_cancelled_error(seen.exception));
  EXPECT_EQ(seen.exception->message, "stop");
  EXPECT_TRUE(w.cancelled(t));
  EXPECT_EQ(w.at(t).cancelled_exc, seen.exception);  // 3.11+ hands this one out once
}

}  // namespace
}  // namespace aioconform::model
