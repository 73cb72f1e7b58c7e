#include "format/trace_codec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "format/canonical_json.h"
#include "format/format_error.h"
#include "tests/format/rejection.h"

namespace aioconform::format {
namespace {

using nlohmann::json;

/// What CPython 3.12 records for the annotated example of scenario.md.
constexpr const char* gather_trace = R"json({
  "format": "aioconform.trace/1",
  "scenario": "gather/child-raises-others-keep-running",
  "runtime": {"name": "cpython-3.12", "implementation": "cpython", "version": "3.12.1",
              "loop": "virtual", "tasks": "c", "task_factory": "default", "clock": "virtual",
              "unit_ms": 0},
  "end": "completed",
  "missing": [],
  "events": [
    {"t": 0, "task": "main", "ev": "start"},
    {"t": 0, "task": "main", "ev": "step", "at": "0", "op": "create_task"},
    {"t": 0, "task": "main", "ev": "step", "at": "1", "op": "await"},
    {"t": 0, "task": "slow", "ev": "start"},
    {"t": 0, "task": "slow", "ev": "step", "at": "0", "op": "sleep"},
    {"t": 0, "task": "fails#1", "ev": "start"},
    {"t": 0, "task": "fails#1", "ev": "step", "at": "0", "op": "sleep"},
    {"t": 1, "task": "fails#1", "ev": "step", "at": "1", "op": "raise"},
    {"t": 1, "task": "fails#1", "ev": "exit",
     "outcome": {"exception": {"type": "ValueError", "message": "boom"}}},
    {"t": 1, "task": "main", "ev": "await_end", "at": "1",
     "outcome": {"exception": {"type": "ValueError", "message": "boom"}}},
    {"t": 1, "task": "main", "ev": "step", "at": "2", "op": "state"},
    {"t": 1, "task": "main", "ev": "state", "at": "2", "target": "slow", "state": "pending"},
    {"t": 1, "task": "main", "ev": "step", "at": "3", "op": "await"},
    {"t": 3, "task": "slow", "ev": "step", "at": "1", "op": "return"},
    {"t": 3, "task": "slow", "ev": "exit", "outcome": {"result": "ok"}},
    {"t": 3, "task": "main", "ev": "await_end", "at": "3", "outcome": {"result": "ok"}},
    {"t": 3, "task": "main", "ev": "exit", "outcome": {"result": null}}
  ],
  "futures": {
    "fails#1": {"kind": "task", "state": {"exception": {"type": "ValueError", "message": "boom"}}},
    "gather#1": {"kind": "future", "state": {"exception": {"type": "ValueError", "message": "boom"}}},
    "main": {"kind": "task", "state": {"result": null}},
    "slow": {"kind": "task", "state": {"result": "ok"}}
  },
  "reports": []
})json";

/// Every other event kind and value encoding, on a real clock with an adapter's runtime
/// (no `name`).
constexpr const char* busy_trace = R"json({
  "format": "aioconform.trace/1",
  "scenario": "misc/every-event",
  "runtime": {"implementation": "pypy", "version": "3.9.18", "loop": "uvloop 0.17.0",
              "tasks": "python", "task_factory": "eager", "clock": "real", "unit_ms": 50},
  "end": "hang",
  "missing": [],
  "events": [
    {"t": 0, "task": "main", "ev": "start"},
    {"t": 0, "task": "main", "ev": "cancel", "at": "0", "target": "w", "returned": true, "msg": "stop"},
    {"t": 0, "task": "main", "ev": "cancel", "at": "1", "target": "w", "returned": false},
    {"t": 0, "task": "w", "ev": "on_cancel", "at": "0", "policy": "cleanup", "message": "stop"},
    {"t": 2, "task": "main", "ev": "yield", "at": "2", "i": 0, "outcome": {"result": 1}},
    {"t": 2, "task": "main", "ev": "yield", "at": "2", "i": 1, "future": "a#1",
     "outcome": {"cancelled": {"message": ""}}},
    {"t": 2, "task": "main", "ev": "await_end", "at": "3",
     "outcome": {"result": [{"$set": [{"$future": "a#1"}, {"$future": "b#1"}]}, {"$set": []}]}},
    {"t": 2, "task": "main", "ev": "await_end", "at": "4",
     "outcome": {"result": [1, {"$exception": {"type": "MyError", "message": "x"}}, {"k": [true]}]}},
    {"t": 3, "task": "main", "ev": "block_end", "at": "5.1.0",
     "outcome": {"exception": {"type": "ExceptionGroup", "message": "unhandled errors in a TaskGroup (1 sub-exception)",
                               "exceptions": [{"type": "ValueError", "message": "v"}]}}},
    {"t": 3, "task": "main", "ev": "report", "message": "Task exception was never retrieved",
     "future": "b#1", "exception": {"type": "KeyError", "message": "'k'"}},
    {"t": 4, "task": "main", "ev": "report", "message": "something odd"}
  ],
  "futures": {
    "a#1": {"kind": "task", "state": {"cancelled": {"message": "stop"}}},
    "main": {"kind": "task", "state": "pending"}
  },
  "reports": [
    {"exception": {"message": "'k'", "type": "KeyError"}, "future": "b#1", "message": "Task exception was never retrieved"},
    {"exception": {"message": "boom", "type": "ValueError"}, "future": "c#1", "message": "Task exception was never retrieved"}
  ]
})json";

constexpr const char* unsupported_trace = R"json({
  "format": "aioconform.trace/1", "scenario": "task_group/basic",
  "runtime": {"implementation": "cpython", "version": "3.8.18", "loop": "virtual", "tasks": "c",
              "task_factory": "default", "clock": "virtual", "unit_ms": 0},
  "end": "unsupported", "missing": ["task_group", "timeout"],
  "events": [], "futures": {}, "reports": []
})json";

TEST(validate_trace, accepts_realistic_traces) {
  EXPECT_NO_THROW(validate_trace(json::parse(gather_trace), "gather.json"));
  EXPECT_NO_THROW(validate_trace(json::parse(busy_trace), "busy.json"));
  EXPECT_NO_THROW(validate_trace(json::parse(unsupported_trace), "unsupported.json"));
}

void expect_rejected(const rejection& r) {
  expect_rejected(r, "t.json",
                  [](const json& doc, const std::string& file) { validate_trace(doc, file); });
}

TEST(validate_trace, rejects_bad_headers) {
  const json base = json::parse(gather_trace);
  const std::vector<rejection> cases = {
      {"not an object", json::array(), "", "expected an object, found array"},
      {"a scenario", with(base, "/format", "aioconform.scenario/1"), "/format",
       "expected format 'aioconform.trace/1', found 'aioconform.scenario/1'"},
      {"no format", with(base, "/format", removed), "/format",
       "missing required key 'format' (expected 'aioconform.trace/1')"},
      {"unknown top-level key", with(base, "/verdict", "pass"), "/verdict",
       "unknown key 'verdict'"},
      {"no events", with(base, "/events", removed), "/events", "missing required key 'events'"},
      {"no missing", with(base, "/missing", removed), "/missing", "missing required key 'missing'"},
      {"bad scenario name", with(base, "/scenario", ""), "/scenario", "invalid scenario name"},
      {"bad end", with(base, "/end", "crashed"), "/end",
       "unknown end 'crashed' (expected one of: completed, hang, unsupported)"},
      {"bad tasks", with(base, "/runtime/tasks", "rust"), "/runtime/tasks", "unknown tasks 'rust'"},
      {"bad task_factory", with(base, "/runtime/task_factory", "lazy"), "/runtime/task_factory",
       "unknown task_factory 'lazy'"},
      {"bad clock", with(base, "/runtime/clock", "wall"), "/runtime/clock", "unknown clock 'wall'"},
      {"unit on a virtual clock", with(base, "/runtime/unit_ms", 50), "/runtime/unit_ms",
       "unit_ms is 0 on a virtual clock"},
      {"no unit on a real clock", with(base, "/runtime/clock", "real"), "/runtime/unit_ms",
       "expected integer 1..1000000, found 0"},
      {"unknown runtime key", with(base, "/runtime/pid", 1), "/runtime/pid", "unknown key 'pid'"},
      {"empty version", with(base, "/runtime/version", ""), "/runtime/version",
       "expected a non-empty string"},
      {"runtime without loop", with(base, "/runtime/loop", removed), "/runtime/loop",
       "missing required key 'loop'"},
      {"missing features on a completed run", with(base, "/missing", {"timeout"}), "/missing",
       "only an unsupported trace lists missing features"},
      {"unknown missing feature", with(json::parse(unsupported_trace), "/missing/1", "gil"),
       "/missing/1", "unknown feature 'gil'"},
      {"unsupported without missing",
       with(json::parse(unsupported_trace), "/missing", json::array()), "/missing",
       "an unsupported trace lists the missing features"},
      {"unsupported with events",
       with(json::parse(unsupported_trace), "/events",
            {{{"t", 0}, {"task", "main"}, {"ev", "start"}}}),
       "/events", "an unsupported trace has no events"},
      {"completed without main", with(base, "/futures/main", removed), "/futures",
       "missing 'main' (end is 'completed')"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(validate_trace, rejects_bad_events) {
  const json base = json::parse(gather_trace);
  const std::vector<rejection> cases = {
      {"unknown event kind", with(base, "/events/1/ev", "jump"), "/events/1/ev",
       "unknown event kind 'jump' (expected one of: start, step, cancel, await_end, block_end, "
       "yield, state, on_cancel, exit, report)"},
      {"event without t", with(base, "/events/0/t", removed), "/events/0/t",
       "missing required key 't'"},
      {"negative t", with(base, "/events/0/t", -1), "/events/0/t", "expected integer 0.."},
      {"float t", with(base, "/events/0/t", 0.5), "/events/0/t", "expected integer"},
      {"empty task", with(base, "/events/0/task", ""), "/events/0/task",
       "expected a non-empty string"},
      {"ev not a string", with(base, "/events/0/ev", 3), "/events/0/ev",
       "expected a string, found integer"},
      {"start with extras", with(base, "/events/0/at", "0"), "/events/0/at",
       "unknown key 'at' for a 'start' event (expected: t, task, ev)"},
      {"step without op", with(base, "/events/1/op", removed), "/events/1/op",
       "missing required key 'op'"},
      {"step with unknown op", with(base, "/events/1/op", "slep"), "/events/1/op",
       "unknown op 'slep'"},
      {"bad step path", with(base, "/events/1/at", "1."), "/events/1/at",
       "expected a step path such as \"2\" or \"3.0\", found '1.'"},
      {"step path with a leading zero", with(base, "/events/1/at", "01"), "/events/1/at",
       "expected a step path"},
      {"step path as a number", with(base, "/events/1/at", 0), "/events/1/at",
       "expected a string, found integer"},
      {"state of an unknown kind", with(base, "/events/11/state", "running"), "/events/11/state",
       "unknown state 'running' (expected one of: pending, done, cancelled)"},
      {"state without target", with(base, "/events/11/target", removed), "/events/11/target",
       "missing required key 'target'"},
      {"exit without outcome", with(base, "/events/16/outcome", removed), "/events/16/outcome",
       "missing required key 'outcome'"},
      {"outcome with two keys", with(base, "/events/16/outcome/cancelled", {{"message", ""}}),
       "/events/16/outcome", "an outcome has exactly one of 'result', 'exception' and 'cancelled'"},
      {"empty outcome", with(base, "/events/16/outcome", json::object()), "/events/16/outcome",
       "an outcome has exactly one of"},
      {"unknown outcome", with(base, "/events/16/outcome", {{"value", 1}}),
       "/events/16/outcome/value", "unknown key 'value'"},
      {"exception without message", with(base, "/events/8/outcome/exception/message", removed),
       "/events/8/outcome/exception/message", "missing required key 'message'"},
      {"exception with an empty type", with(base, "/events/8/outcome/exception/type", ""),
       "/events/8/outcome/exception/type", "expected a non-empty string"},
      {"cancelled without message",
       with(base, "/events/16/outcome", {{"cancelled", json::object()}}),
       "/events/16/outcome/cancelled/message", "missing required key 'message'"},
      {"a float result", with(base, "/events/16/outcome/result", 0.25), "/events/16/outcome/result",
       "floats are not allowed in traces"},
  };
  for (const rejection& r : cases) expect_rejected(r);

  const json busy = json::parse(busy_trace);
  const std::vector<rejection> busy_cases = {
      {"cancel without returned", with(busy, "/events/1/returned", removed), "/events/1/returned",
       "missing required key 'returned'"},
      {"cancel returning a string", with(busy, "/events/1/returned", "yes"), "/events/1/returned",
       "expected a boolean, found string"},
      {"cancel msg not a string", with(busy, "/events/1/msg", nullptr), "/events/1/msg",
       "expected a string, found null"},
      {"unknown policy", with(busy, "/events/3/policy", "ignore"), "/events/3/policy",
       "unknown policy 'ignore'"},
      {"yield without i", with(busy, "/events/4/i", removed), "/events/4/i",
       "missing required key 'i'"},
      {"yield with an empty future", with(busy, "/events/5/future", ""), "/events/5/future",
       "expected a non-empty string"},
      {"unsorted set",
       with(busy, "/events/6/outcome/result/0/$set", {{{"$future", "b#1"}}, {{"$future", "a#1"}}}),
       "/events/6/outcome/result/0/$set/1", "$set elements must be sorted by their canonical JSON"},
      {"set not an array", with(busy, "/events/6/outcome/result/1/$set", json::object()),
       "/events/6/outcome/result/1/$set", "expected an array, found object"},
      {"future not a string", with(busy, "/events/6/outcome/result/0/$set/0/$future", 1),
       "/events/6/outcome/result/0/$set/0/$future", "expected a string, found integer"},
      {"unknown encoding", with(busy, "/events/7/outcome/result/1", {{"$tuple", json::array()}}),
       "/events/7/outcome/result/1/$tuple", "unknown key '$tuple'"},
      {"encoding with extra keys", with(busy, "/events/7/outcome/result/1/x", 1),
       "/events/7/outcome/result/1/x", "unknown key 'x'"},
      {"two encodings at once", with(busy, "/events/7/outcome/result/1/$future", "a#1"),
       "/events/7/outcome/result/1",
       "an encoded value has exactly one of '$exception', '$future' and '$set'"},
      {"$exception without type", with(busy, "/events/7/outcome/result/1/$exception/type", removed),
       "/events/7/outcome/result/1/$exception/type", "missing required key 'type'"},
      {"a float deep in a value", with(busy, "/events/7/outcome/result/2/k/0", 1.5),
       "/events/7/outcome/result/2/k/0", "floats are not allowed in traces"},
      {"bad group member", with(busy, "/events/8/outcome/exception/exceptions/0/type", 1),
       "/events/8/outcome/exception/exceptions/0/type", "expected a string, found integer"},
      {"group members not a list", with(busy, "/events/8/outcome/exception/exceptions", "v"),
       "/events/8/outcome/exception/exceptions", "expected an array, found string"},
      {"report without message", with(busy, "/events/9/message", removed), "/events/9/message",
       "missing required key 'message'"},
      {"report with unknown key", with(busy, "/events/10/exc", 1), "/events/10/exc",
       "unknown key 'exc' for a 'report' event (expected: t, task, ev, message, future, "
       "exception)"},
  };
  for (const rejection& r : busy_cases) expect_rejected(r);
}

TEST(validate_trace, rejects_bad_futures_and_reports) {
  const json busy = json::parse(busy_trace);
  const std::vector<rejection> cases = {
      {"futures not an object", with(busy, "/futures", json::array()), "/futures",
       "expected an object, found array"},
      {"unknown future kind", with(busy, "/futures/a#1/kind", "coroutine"), "/futures/a#1/kind",
       "unknown kind 'coroutine' (expected one of: task, future)"},
      {"running is not a state", with(busy, "/futures/main/state", "running"),
       "/futures/main/state", "expected \"pending\" or an outcome, found 'running'"},
      {"future without state", with(busy, "/futures/main/state", removed), "/futures/main/state",
       "missing required key 'state'"},
      {"bad outcome as state", with(busy, "/futures/a#1/state", {{"cancelled", {{"message", 1}}}}),
       "/futures/a#1/state/cancelled/message", "expected a string, found integer"},
      {"unsorted reports", with(busy, "/reports", {busy["reports"][1], busy["reports"][0]}),
       "/reports/1", "reports must be sorted by their canonical JSON"},
      {"report without message", with(busy, "/reports/0/message", removed), "/reports/0/message",
       "missing required key 'message'"},
      {"report with unknown key", with(busy, "/reports/0/task", "x"), "/reports/0/task",
       "unknown key 'task'"},
      {"report not an object", with(busy, "/reports/0", "x"), "/reports/0",
       "expected an object, found string"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(validate_trace, the_sort_orders_are_canonical_json_byte_order) {
  // '"' (0x22) < '1' (0x31) < '[' (0x5B) < 'n' (0x6E) < '{' (0x7B); "B" < "a" by code point.
  json doc = json::parse(busy_trace);
  doc["events"][6]["outcome"]["result"][1]["$set"] = {
      "B", "a", 1, json::array({2}), nullptr, {{"$future", "x"}}};
  EXPECT_NO_THROW(validate_trace(doc, "t.json"));
  doc["events"][6]["outcome"]["result"][1]["$set"] = {1, "B"};
  expect_rejected({"1 before B", doc, "/events/6/outcome/result/1/$set/1", "must be sorted"});
  doc["events"][6]["outcome"]["result"][1]["$set"] = {"a", "B"};
  expect_rejected({"a before B", doc, "/events/6/outcome/result/1/$set/1", "must be sorted"});
}

TEST(validate_trace, limits_value_nesting) {
  json deep = 1;
  for (std::size_t i = 0; i <= max_trace_value_nesting; ++i) deep = json::array({deep});
  const json base = json::parse(gather_trace);
  EXPECT_NO_THROW(validate_trace(with(base, "/events/16/outcome/result", deep[0]), "t.json"));
  std::string at = "/events/16/outcome/result";
  for (std::size_t i = 0; i < max_trace_value_nesting; ++i) at += "/0";
  expect_rejected({"too deep", with(base, "/events/16/outcome/result", deep), at,
                   "nesting deeper than 64 levels"});
}

TEST(load_trace, loads_and_validates_a_file) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("aioconform_trace_codec_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.json";
  std::ofstream(good) << canonical_document(json::parse(gather_trace));
  EXPECT_EQ(load_trace(good), json::parse(gather_trace));

  const auto bad = dir / "bad.json";
  std::ofstream(bad) << with(json::parse(gather_trace), "/events/3/ev", "begin").dump();
  try {
    (void)load_trace(bad);
    ADD_FAILURE() << "accepted";
  } catch (const format_error& e) {
    EXPECT_EQ(e.file, bad.string());
    EXPECT_EQ(e.json_path, "/events/3/ev");
    EXPECT_NE(e.reason.find("unknown event kind 'begin'"), std::string::npos) << e.reason;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aioconform::format
