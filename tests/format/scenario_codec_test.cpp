#include "format/scenario_codec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "format/format_error.h"
#include "format/json_file.h"
#include "tests/format/rejection.h"

namespace aioconform::format {
namespace {

using nlohmann::json;

/// Uses every step kind, expression kind, child kind and on_cancel kind.
constexpr const char* every_construct = R"json({
  "format": "aioconform.scenario/1",
  "name": "format/every-construct",
  "description": "Uses every step, expression and child kind.",
  "clauses": ["gather.exception.first-propagates"],
  "requires": ["timeout", "as_completed_async_for", "cancel_message", "task_group"],
  "exceptions": ["MyError"],
  "scripts": {
    "ok": {"steps": [{"op": "sleep", "d": 3},
                     {"op": "return", "value": {"k": [1, "two", null, true, -5]}}]},
    "fails": {"steps": [{"op": "sleep", "d": 1}, {"op": "raise", "type": "MyError", "message": "boom"}],
              "on_cancel": {"kind": "swallow", "value": 7}},
    "waiter": {"steps": [{"op": "event_wait", "event": "go"}, {"op": "hang"}],
               "on_cancel": {"kind": "cleanup", "d": 2}},
    "stubborn": {"steps": [{"op": "await", "target": "t1"}, {"op": "raise", "type": "CancelledError"}],
                 "on_cancel": {"kind": "raise", "type": "ValueError"}},
    "quiet": {"steps": [], "on_cancel": {"kind": "propagate"}}
  },
  "main": {"steps": [
    {"op": "create_task", "as": "t1", "script": "ok"},
    {"op": "create_task", "as": "t2",
     "expr": {"kind": "wait_for", "child": {"script": "waiter", "as": "w"}, "timeout": 5}},
    {"op": "future", "as": "g",
     "expr": {"kind": "gather", "return_exceptions": true,
              "children": [{"task": "t1"}, {"script": "fails"},
                           {"expr": {"kind": "shield", "child": {"task": "t1"}}, "as": "sh"}]}},
    {"op": "cancel", "target": "t2", "msg": "stop"},
    {"op": "cancel", "target": "g"},
    {"op": "await", "target": "g", "catch": false},
    {"op": "await", "expr": {"kind": "wait", "children": [{"task": "t1"}, {"task": "t1"}],
                             "return_when": "FIRST_EXCEPTION", "timeout": null}},
    {"op": "await", "expr": {"kind": "as_completed", "children": [{"script": "ok"}],
                             "timeout": 4, "form": "async_for"}},
    {"op": "await", "expr": {"kind": "wait_any", "children": [{"script": "quiet", "as": "q"}]}},
    {"op": "timeout", "d": 10, "steps": [
      {"op": "event_set", "event": "go"},
      {"op": "await", "expr": {"kind": "task_group",
        "children": [{"script": "stubborn"},
                     {"expr": {"kind": "wait_for", "child": {"task": "t1"}, "timeout": null}}],
        "steps": [{"op": "sleep", "d": 0}]}}]},
    {"op": "timeout", "d": null, "steps": [], "catch": false},
    {"op": "state", "target": "main"},
    {"op": "return", "value": "done"}
  ]}
})json";

/// A small valid scenario that the rejection cases mutate.
constexpr const char* minimal = R"json({
  "format": "aioconform.scenario/1",
  "name": "gather/child-raises-others-keep-running",
  "description": "gather raises the first exception; the other children keep running.",
  "clauses": [],
  "requires": [],
  "scripts": {
    "ok":    {"steps": [{"op": "sleep", "d": 3}, {"op": "return", "value": "ok"}]},
    "fails": {"steps": [{"op": "sleep", "d": 1}, {"op": "raise", "type": "ValueError", "message": "boom"}]}
  },
  "main": {"steps": [
    {"op": "create_task", "as": "slow", "script": "ok"},
    {"op": "await", "expr": {"kind": "gather", "children": [{"task": "slow"}, {"script": "fails"}]}},
    {"op": "state", "target": "slow"},
    {"op": "await", "target": "slow"}
  ]}
})json";

child script_c(std::string name, std::optional<std::string> as = std::nullopt) {
  return script_child{std::move(name), std::move(as)};
}
child task_c(std::string name) {
  return task_child{std::move(name)};
}
child expr_c(expression e, std::optional<std::string> as = std::nullopt) {
  return expr_child{std::move(e), std::move(as)};
}

TEST(parse_scenario, reads_every_construct_into_the_model) {
  const json doc = json::parse(every_construct);
  const scenario s = parse_scenario(doc, "every.json");

  EXPECT_EQ(s.name, "format/every-construct");
  EXPECT_EQ(s.description, "Uses every step, expression and child kind.");
  EXPECT_EQ(s.clauses, std::vector<std::string>{"gather.exception.first-propagates"});
  EXPECT_EQ(s.requires_features, (std::vector<std::string>{"timeout", "as_completed_async_for",
                                                           "cancel_message", "task_group"}));
  EXPECT_EQ(s.exceptions, std::vector<std::string>{"MyError"});
  EXPECT_EQ(s.source, doc);

  ASSERT_EQ(s.scripts.size(), 5u);
  script ok;
  ok.steps = {sleep_step{3}, return_step{json::parse(R"({"k":[1,"two",null,true,-5]})")}};
  EXPECT_EQ(s.scripts.at("ok"), ok);

  script fails;
  fails.steps = {sleep_step{1}, raise_step{"MyError", "boom"}};
  fails.on_cancel.kind = on_cancel_kind::swallow;
  fails.on_cancel.result = 7;
  EXPECT_EQ(s.scripts.at("fails"), fails);

  script waiter;
  waiter.steps = {event_wait_step{"go"}, hang_step{}};
  waiter.on_cancel.kind = on_cancel_kind::cleanup;
  waiter.on_cancel.d = 2;
  EXPECT_EQ(s.scripts.at("waiter"), waiter);

  script stubborn;
  stubborn.steps = {await_step{"t1", std::nullopt, false}, raise_step{"CancelledError", ""}};
  stubborn.on_cancel.kind = on_cancel_kind::raise;
  stubborn.on_cancel.type = "ValueError";
  EXPECT_EQ(s.scripts.at("stubborn"), stubborn);

  EXPECT_EQ(s.scripts.at("quiet"), script{});

  std::vector<step> main;
  main.push_back(create_task_step{"t1", "ok", std::nullopt});
  main.push_back(create_task_step{"t2", "", expression{wait_for_expr{script_c("waiter", "w"), 5}}});
  main.push_back(future_step{
      "g", expression{gather_expr{
               {task_c("t1"), script_c("fails"), expr_c(shield_expr{task_c("t1")}, "sh")}, true}}});
  main.push_back(cancel_step{"t2", "stop"});
  main.push_back(cancel_step{"g", std::nullopt});
  main.push_back(await_step{"g", std::nullopt, false});
  main.push_back(await_step{
      "", expression{wait_expr{{task_c("t1"), task_c("t1")}, return_when::first_exception, {}}},
      true});
  main.push_back(await_step{
      "", expression{as_completed_expr{{script_c("ok")}, 4, as_completed_form::async_for}}, true});
  main.push_back(await_step{"", expression{wait_any_expr{{script_c("quiet", "q")}, {}}}, true});
  task_group_expr group{{script_c("stubborn"), expr_c(wait_for_expr{task_c("t1"), {}})},
                        {sleep_step{0}}};
  main.push_back(timeout_step{
      10, {event_set_step{"go"}, await_step{"", expression{std::move(group)}, true}}, true});
  main.push_back(timeout_step{std::nullopt, {}, false});
  main.push_back(state_step{"main"});
  main.push_back(return_step{"done"});

  ASSERT_EQ(s.main.steps.size(), main.size());
  for (std::size_t i = 0; i < main.size(); ++i) {
    EXPECT_EQ(s.main.steps[i], main[i]) << "main step " << i << " (" << op_name(main[i]) << ")";
  }
  EXPECT_EQ(s.main.on_cancel.kind, on_cancel_kind::propagate);
}

TEST(parse_scenario, the_model_names_ops_and_kinds) {
  const scenario s = parse_scenario(json::parse(every_construct), "every.json");
  std::vector<std::string_view> ops;
  for (const step& st : s.main.steps) ops.push_back(op_name(st));
  EXPECT_EQ(ops, (std::vector<std::string_view>{"create_task", "create_task", "future", "cancel",
                                                "cancel", "await", "await", "await", "await",
                                                "timeout", "timeout", "state", "return"}));
  const auto& g = std::get<future_step>(s.main.steps[2]);
  EXPECT_EQ(kind_name(*g.expr), "gather");
  EXPECT_TRUE(is_future_kind(*g.expr));
  const auto& w = std::get<await_step>(s.main.steps[6]);
  EXPECT_EQ(kind_name(**w.expr), "wait");
  EXPECT_FALSE(is_future_kind(**w.expr));
  EXPECT_EQ(kind_name(on_cancel_kind::cleanup), "cleanup");
}

TEST(parse_scenario, catch_defaults_to_true_in_main_and_false_elsewhere) {
  const scenario s = parse_scenario(json::parse(every_construct), "every.json");
  EXPECT_TRUE(std::get<await_step>(s.main.steps[6]).catch_exceptions);   // default, in main
  EXPECT_FALSE(std::get<await_step>(s.main.steps[5]).catch_exceptions);  // written false
  const auto& block = std::get<timeout_step>(s.main.steps[9]);
  EXPECT_TRUE(block.catch_exceptions);
  EXPECT_TRUE(std::get<await_step>(block.steps[1]).catch_exceptions);  // nested, still main
  EXPECT_FALSE(std::get<await_step>(s.scripts.at("stubborn").steps[0]).catch_exceptions);
}

TEST(parse_scenario, accepts_the_annotated_example_of_scenario_md) {
  const scenario s = parse_scenario(json::parse(minimal), "example.json");
  EXPECT_EQ(s.name, "gather/child-raises-others-keep-running");
  EXPECT_EQ(s.main.steps.size(), 4u);
  EXPECT_TRUE(features_used(s).empty());
}

TEST(parse_scenario, optional_header_fields_default_to_empty) {
  const scenario s = parse_scenario(json::parse(R"({"format": "aioconform.scenario/1",
      "name": "n", "description": "d", "main": {"steps": []}})"),
                                    "x.json");
  EXPECT_TRUE(s.clauses.empty());
  EXPECT_TRUE(s.requires_features.empty());
  EXPECT_TRUE(s.exceptions.empty());
  EXPECT_TRUE(s.scripts.empty());
  EXPECT_TRUE(s.main.steps.empty());
}

TEST(features_used, lists_each_feature_where_it_is_used) {
  const scenario s = parse_scenario(json::parse(every_construct), "every.json");
  EXPECT_EQ(features_used(s), (std::set<std::string>{"as_completed_async_for", "cancel_message",
                                                     "task_group", "timeout"}));

  scenario in_script;
  script worker;
  worker.steps = {timeout_step{1, {cancel_step{"x", "m"}}, false}};
  in_script.scripts["worker"] = worker;
  EXPECT_EQ(features_used(in_script), (std::set<std::string>{"cancel_message", "timeout"}));
}

// --- rejections -----------------------------------------------------------------------------

void expect_rejected(const rejection& r) {
  expect_rejected(r, "bad.json", [](const json& doc, const std::string& file) {
    (void)parse_scenario(doc, file);
  });
}

json step0(json step) {
  return with(json::parse(minimal), "/main/steps/0", std::move(step));
}

TEST(parse_scenario, rejects_bad_headers) {
  const json base = json::parse(minimal);
  const std::vector<rejection> cases = {
      {"not an object", json::array(), "", "expected an object, found array"},
      {"no format", with(base, "/format", removed), "/format",
       "missing required key 'format' (expected 'aioconform.scenario/1')"},
      {"a trace", with(base, "/format", "aioconform.trace/1"), "/format",
       "expected format 'aioconform.scenario/1', found 'aioconform.trace/1'"},
      {"format not a string", with(base, "/format", 1), "/format",
       "expected format 'aioconform.scenario/1', found 1"},
      {"unknown top-level key", with(base, "/extra", 1), "/extra", "unknown key 'extra'"},
      {"no name", with(base, "/name", removed), "/name", "missing required key 'name'"},
      {"bad name", with(base, "/name", "gather/../x"), "/name", "invalid scenario name"},
      {"empty description", with(base, "/description", ""), "/description", "must not be empty"},
      {"two-line description", with(base, "/description", "a\nb"), "/description", "one line"},
      {"clauses not an array", with(base, "/clauses", "x"), "/clauses",
       "expected an array, found string"},
      {"duplicate clause", with(base, "/clauses", {"a.b", "a.b"}), "/clauses/1",
       "duplicate clause 'a.b'"},
      {"unknown feature", with(base, "/requires", {"threads"}), "/requires/0",
       "unknown feature 'threads'"},
      {"requires an unused feature", with(base, "/requires", {"timeout"}), "/requires/0",
       "requires lists 'timeout', which no step uses"},
      {"bad exception name", with(base, "/exceptions", {"My-Error"}), "/exceptions/0",
       "invalid exception name 'My-Error'"},
      {"builtin exception declared", with(base, "/exceptions", {"KeyError"}), "/exceptions/0",
       "'KeyError' is a built-in exception type"},
      {"duplicate exception", with(base, "/exceptions", {"E", "E"}), "/exceptions/1",
       "duplicate exception 'E'"},
      {"scripts not an object", with(base, "/scripts", json::array()), "/scripts",
       "expected an object, found array"},
      {"bad script name", with(base, "/scripts/a#1", {{"steps", json::array()}}), "/scripts/a#1",
       "invalid name 'a#1'"},
      {"script named main", with(base, "/scripts/main", {{"steps", json::array()}}),
       "/scripts/main", "'main' is reserved"},
      {"no main", with(base, "/main", removed), "/main", "missing required key 'main'"},
      {"script without steps", with(base, "/scripts/ok/steps", removed), "/scripts/ok/steps",
       "missing required key 'steps'"},
      {"unknown script key", with(base, "/scripts/ok/finally", 1), "/scripts/ok/finally",
       "unknown key 'finally' (expected one of: steps, on_cancel)"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(parse_scenario, rejects_bad_steps) {
  const json base = json::parse(minimal);
  const std::vector<rejection> cases = {
      {"step not an object", step0(1), "/main/steps/0", "expected an object, found integer"},
      {"no op", step0({{"d", 1}}), "/main/steps/0/op", "missing required key 'op'"},
      {"misspelt op", step0({{"op", "slep"}, {"d", 1}}), "/main/steps/0/op",
       "unknown op 'slep' (expected one of: sleep, return, raise, hang, create_task, future, "
       "cancel, await, timeout, event_wait, event_set, state)"},
      {"negative d", step0({{"op", "sleep"}, {"d", -1}}), "/main/steps/0/d",
       "expected integer 0..1000000"},
      {"d too long", step0({{"op", "sleep"}, {"d", 1000001}}), "/main/steps/0/d",
       "expected integer 0..1000000, found 1000001"},
      {"float d", step0({{"op", "sleep"}, {"d", 1.5}}), "/main/steps/0/d",
       "expected integer 0..1000000"},
      {"string d", step0({{"op", "sleep"}, {"d", "1"}}), "/main/steps/0/d",
       "expected integer 0..1000000, found string"},
      {"null d on sleep", step0({{"op", "sleep"}, {"d", nullptr}}), "/main/steps/0/d",
       "expected integer 0..1000000, found null"},
      {"unknown key on a step", step0({{"op", "sleep"}, {"d", 1}, {"dd", 2}}), "/main/steps/0/dd",
       "unknown key 'dd' (expected one of: op, d)"},
      {"return without value", step0({{"op", "return"}}), "/main/steps/0/value",
       "missing required key 'value'"},
      {"unknown exception", step0({{"op", "raise"}, {"type", "Nope"}}), "/main/steps/0/type",
       "unknown exception type 'Nope'"},
      {"message not a string", step0({{"op", "raise"}, {"type", "KeyError"}, {"message", 3}}),
       "/main/steps/0/message", "expected a string, found integer"},
      {"hang with d", step0({{"op", "hang"}, {"d", 1}}), "/main/steps/0/d", "unknown key 'd'"},
      {"create_task with both",
       step0({{"op", "create_task"},
              {"as", "x"},
              {"script", "ok"},
              {"expr", {{"kind", "gather"}, {"children", json::array()}}}}),
       "/main/steps/0", "create_task needs exactly one of 'script' and 'expr'"},
      {"create_task with neither", step0({{"op", "create_task"}, {"as", "x"}}), "/main/steps/0",
       "create_task needs exactly one of 'script' and 'expr'"},
      {"create_task of an unknown script",
       step0({{"op", "create_task"}, {"as", "x"}, {"script", "foo"}}), "/main/steps/0/script",
       "unknown script 'foo'"},
      {"create_task without as", step0({{"op", "create_task"}, {"script", "ok"}}),
       "/main/steps/0/as", "missing required key 'as'"},
      {"as an auto-name", step0({{"op", "create_task"}, {"as", "ok#1"}, {"script", "ok"}}),
       "/main/steps/0/as", "invalid name 'ok#1' (names match [A-Za-z_][A-Za-z0-9_.-]{0,63})"},
      {"as too long",
       step0({{"op", "create_task"}, {"as", std::string(65, 'h')}, {"script", "ok"}}),
       "/main/steps/0/as", "invalid name"},
      {"as main", step0({{"op", "create_task"}, {"as", "main"}, {"script", "ok"}}),
       "/main/steps/0/as", "'main' is reserved"},
      {"as bound twice",
       with(base, "/main/steps/2", {{"op", "create_task"}, {"as", "slow"}, {"script", "fails"}}),
       "/main/steps/2/as", "handle 'slow' is already bound at /main/steps/0/as"},
      {"future of a wait",
       step0({{"op", "future"},
              {"as", "f"},
              {"expr", {{"kind", "wait"}, {"children", {{{"task", "slow"}}}}}}}),
       "/main/steps/0/expr/kind", "future needs a gather or shield expression, found 'wait'"},
      {"cancel msg without the feature", step0({{"op", "cancel"}, {"target", "x"}, {"msg", "m"}}),
       "/requires", "requires must list 'cancel_message', used at /main/steps/0/msg"},
      {"cancel msg null", step0({{"op", "cancel"}, {"target", "x"}, {"msg", nullptr}}),
       "/main/steps/0/msg", "expected a string, found null"},
      {"target an auto-name", step0({{"op", "state"}, {"target", "gather#1"}}),
       "/main/steps/0/target", "invalid name 'gather#1'"},
      {"await with both",
       step0({{"op", "await"},
              {"target", "x"},
              {"expr", {{"kind", "gather"}, {"children", json::array()}}}}),
       "/main/steps/0", "await needs exactly one of 'target' and 'expr'"},
      {"catch not a boolean", step0({{"op", "await"}, {"target", "x"}, {"catch", 1}}),
       "/main/steps/0/catch", "expected a boolean, found integer"},
      {"timeout without the feature",
       step0({{"op", "timeout"}, {"d", 1}, {"steps", json::array()}}), "/requires",
       "requires must list 'timeout', used at /main/steps/0"},
      {"timeout without d", step0({{"op", "timeout"}, {"steps", json::array()}}), "/main/steps/0/d",
       "missing required key 'd'"},
      {"timeout d a float", step0({{"op", "timeout"}, {"d", 0.5}, {"steps", json::array()}}),
       "/main/steps/0/d", "expected integer 0..1000000 or null, found float"},
      {"bad event name", step0({{"op", "event_set"}, {"event", "a b"}}), "/main/steps/0/event",
       "invalid name 'a b'"},
      {"unknown on_cancel kind", with(base, "/main/on_cancel", {{"kind", "ignore"}}),
       "/main/on_cancel/kind",
       "unknown on_cancel kind 'ignore' (expected one of: propagate, swallow, cleanup, raise)"},
      {"swallow without value", with(base, "/main/on_cancel", {{"kind", "swallow"}}),
       "/main/on_cancel/value", "missing required key 'value'"},
      {"cleanup with a bad d", with(base, "/main/on_cancel", {{"kind", "cleanup"}, {"d", -2}}),
       "/main/on_cancel/d", "expected integer 0..1000000"},
      {"raise an unknown type",
       with(base, "/scripts/ok/on_cancel", {{"kind", "raise"}, {"type", "X"}}),
       "/scripts/ok/on_cancel/type", "unknown exception type 'X'"},
      {"propagate with extras", with(base, "/main/on_cancel", {{"kind", "propagate"}, {"d", 1}}),
       "/main/on_cancel/d", "unknown key 'd' (expected one of: kind)"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(parse_scenario, rejects_bad_expressions_and_children) {
  const json base = json::parse(minimal);
  const auto expr1 = [&](json e) { return with(base, "/main/steps/1/expr", std::move(e)); };
  const std::string at = "/main/steps/1/expr";
  const std::vector<rejection> cases = {
      {"unknown kind", expr1({{"kind", "race"}, {"children", json::array()}}), at + "/kind",
       "unknown expression kind 'race'"},
      {"no children", expr1({{"kind", "gather"}}), at + "/children",
       "missing required key 'children'"},
      {"unknown script in a child", with(base, at + "/children/1/script", "foo"),
       at + "/children/1/script", "unknown script 'foo'"},
      {"child with two sources", with(base, at + "/children/1/task", "slow"), at + "/children/1",
       "a child needs exactly one of 'script', 'task' and 'expr'"},
      {"empty child", with(base, at + "/children/1", json::object()), at + "/children/1",
       "a child needs exactly one of 'script', 'task' and 'expr'"},
      {"task child with as", with(base, at + "/children/0/as", "x"), at + "/children/0/as",
       "'as' is not allowed on a task child"},
      {"unknown child key", with(base, at + "/children/0/name", "x"), at + "/children/0/name",
       "unknown key 'name'"},
      {"return_exceptions not a boolean", with(base, at + "/return_exceptions", "yes"),
       at + "/return_exceptions", "expected a boolean, found string"},
      {"gather with a timeout", with(base, at + "/timeout", 1), at + "/timeout",
       "unknown key 'timeout'"},
      {"bad return_when",
       expr1({{"kind", "wait"}, {"children", json::array()}, {"return_when", "FIRST"}}),
       at + "/return_when",
       "unknown return_when 'FIRST' (expected one of: ALL_COMPLETED, FIRST_COMPLETED, "
       "FIRST_EXCEPTION)"},
      {"negative timeout",
       expr1({{"kind", "wait_any"}, {"children", json::array()}, {"timeout", -1}}), at + "/timeout",
       "expected integer 0..1000000"},
      {"bad form",
       expr1({{"kind", "as_completed"}, {"children", json::array()}, {"form", "while"}}),
       at + "/form", "unknown as_completed form 'while' (expected one of: for, async_for)"},
      {"async_for without the feature",
       expr1({{"kind", "as_completed"}, {"children", json::array()}, {"form", "async_for"}}),
       "/requires", "requires must list 'as_completed_async_for', used at " + at + "/form"},
      {"wait_for without a child", expr1({{"kind", "wait_for"}, {"timeout", 1}}), at + "/child",
       "missing required key 'child'"},
      {"shield of a list", expr1({{"kind", "shield"}, {"child", json::array()}}), at + "/child",
       "expected an object, found array"},
      {"task_group without the feature",
       expr1({{"kind", "task_group"}, {"children", json::array()}}), "/requires",
       "requires must list 'task_group', used at " + at},
      {"task_group of a task",
       with(expr1({{"kind", "task_group"}, {"children", {{{"task", "slow"}}}}}), "/requires",
            {"task_group"}),
       at + "/children/0",
       "task_group children must be script children or coroutine expressions (wait, "
       "as_completed, wait_for, task_group, wait_any), found a task child"},
      {"task_group of a gather",
       with(expr1({{"kind", "task_group"},
                   {"children",
                    {{{"script", "ok"}},
                     {{"expr", {{"kind", "gather"}, {"children", json::array()}}}}}}}),
            "/requires", {"task_group"}),
       at + "/children/1", "found a gather"},
      {"task_group of a shield",
       with(
           expr1({{"kind", "task_group"},
                  {"children", {{{"expr", {{"kind", "shield"}, {"child", {{"task", "slow"}}}}}}}}}),
           "/requires", {"task_group"}),
       at + "/children/0", "found a shield"},
      {"bad step inside a task_group",
       with(expr1({{"kind", "task_group"},
                   {"children", json::array()},
                   {"steps", {{{"op", "sleep"}, {"d", -1}}}}}),
            "/requires", {"task_group"}),
       at + "/steps/0/d", "expected integer 0..1000000"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(parse_scenario, rejects_bad_values) {
  const auto returning = [](json v) {
    return with(json::parse(minimal), "/scripts/ok/steps/1/value", std::move(v));
  };
  const std::string at = "/scripts/ok/steps/1/value";
  const std::vector<rejection> cases = {
      {"a float", returning(1.5), at, "floats are not allowed in values"},
      {"a float that looks whole", returning(json::parse("1.0")), at,
       "floats are not allowed in values"},
      {"a nested float", returning(json::parse(R"({"a": [1, {"b": 2e3}]})")), at + "/a/1/b",
       "floats are not allowed in values"},
      {"beyond 64 bits", returning(json::parse("9223372036854775808")), at,
       "integer out of the 64-bit range"},
      {"a reserved key", returning(json::parse(R"({"$future": "x"})")), at + "/$future",
       "keys starting with '$' are reserved"},
      {"a long string", returning(std::string(1025, 'x')), at,
       "string longer than 1024 characters"},
      {"a long key", returning({{std::string(1025, 'k'), 1}}), at + "/" + std::string(1025, 'k'),
       "key longer than 1024 characters"},
      {"nine levels", returning(json::parse("[[[[[[[[[1]]]]]]]]]")), at + "/0/0/0/0/0/0/0/0",
       "value nesting deeper than 8 levels"},
  };
  for (const rejection& r : cases) expect_rejected(r);
}

TEST(parse_scenario, value_limits_are_inclusive) {
  // Eight levels, 1024 characters (of two bytes each), the 64-bit extremes: all accepted.
  const json value = json::parse(R"([[[[[[[[-9223372036854775808, 9223372036854775807]]]]]]]])");
  std::string long_text;
  for (int i = 0; i < 1024; ++i) long_text += "\xC3\xA9";
  json doc = with(json::parse(minimal), "/scripts/ok/steps/1/value", value);
  doc = with(doc, "/scripts/fails/steps/1/message", long_text);
  const scenario s = parse_scenario(doc, "ok.json");
  EXPECT_EQ(std::get<return_step>(s.scripts.at("ok").steps[1]).result, value);
  EXPECT_EQ(std::get<raise_step>(s.scripts.at("fails").steps[1]).message, long_text);
}

/// A main whose step 0 awaits `levels` nested wait_for expressions around a script child.
json nested_wait_for(int levels) {
  json child = {{"script", "ok"}};
  for (int i = 0; i < levels; ++i) {
    child = {{"expr", {{"kind", "wait_for"}, {"child", child}, {"timeout", 1}}}};
  }
  return step0({{"op", "await"}, {"expr", child["expr"]}});
}

TEST(parse_scenario, limits_nesting_to_eight_levels) {
  EXPECT_NO_THROW((void)parse_scenario(nested_wait_for(8), "ok.json"));
  std::string at = "/main/steps/0/expr";
  for (int i = 1; i < 9; ++i) at += "/child/expr";
  expect_rejected({"nine expressions", nested_wait_for(9), at, "nesting deeper than 8 levels"});

  // timeout blocks count as levels too
  json block = {{"op", "sleep"}, {"d", 0}};
  for (int i = 0; i < 9; ++i) block = {{"op", "timeout"}, {"d", 1}, {"steps", {block}}};
  json doc = with(step0(block), "/requires", {"timeout"});
  std::string block_at = "/main/steps/0";
  for (int i = 1; i < 9; ++i) block_at += "/steps/0";
  expect_rejected({"nine blocks", doc, block_at, "nesting deeper than 8 levels"});
}

TEST(parse_scenario, limits_scripts_steps_and_children) {
  json base = json::parse(minimal);
  json many_scripts = base;
  for (int i = 0; i < 63; ++i)
    many_scripts["scripts"]["s" + std::to_string(i)] = {{"steps", json::array()}};
  EXPECT_THROW((void)parse_scenario(many_scripts, "x.json"), format_error);  // 65 scripts
  expect_rejected({"65 scripts", many_scripts, "/scripts", "more than 64 scripts"});
  many_scripts["scripts"].erase("s0");
  EXPECT_NO_THROW((void)parse_scenario(many_scripts, "x.json"));  // 64 scripts

  // 2000 steps in all: the scripts' 4, then main's 4 and as many more as fit.
  json steps = base["main"]["steps"];
  for (int i = 0; i < 1992; ++i) steps.push_back({{"op", "sleep"}, {"d", 0}});
  EXPECT_NO_THROW((void)parse_scenario(with(base, "/main/steps", steps), "x.json"));
  steps.push_back({{"op", "sleep"}, {"d", 0}});
  expect_rejected({"2001 steps", with(base, "/main/steps", steps), "/main/steps/1996",
                   "more than 2000 steps in the scenario"});
  // Nested steps count too.
  json block = {{"op", "timeout"}, {"d", 1}, {"steps", {{{"op", "hang"}}}}};
  steps = base["main"]["steps"];
  for (int i = 0; i < 996; ++i) steps.push_back(block);
  json doc = with(with(base, "/main/steps", steps), "/requires", {"timeout"});
  EXPECT_NO_THROW((void)parse_scenario(doc, "x.json"));
  doc["main"]["steps"].push_back(block);
  expect_rejected({"2001 steps with nested ones", doc, "/main/steps/1000",
                   "more than 2000 steps in the scenario"});

  json children = json::array();
  for (int i = 0; i < 64; ++i) children.push_back({{"task", "slow"}});
  EXPECT_NO_THROW((void)parse_scenario(with(base, "/main/steps/1/expr/children", children), "x"));
  children.push_back({{"task", "slow"}});
  expect_rejected({"65 children", with(base, "/main/steps/1/expr/children", children),
                   "/main/steps/1/expr/children", "more than 64 children"});
}

TEST(parse_scenario, requires_may_list_features_in_any_order_but_once) {
  json doc = json::parse(every_construct);
  doc["requires"] = {"task_group", "timeout", "cancel_message", "as_completed_async_for"};
  EXPECT_NO_THROW((void)parse_scenario(doc, "x.json"));
  doc["requires"].push_back("timeout");
  expect_rejected({"duplicate feature", doc, "/requires/4", "duplicate feature 'timeout'"});
  doc["requires"] = {"task_group", "timeout", "cancel_message"};
  expect_rejected({"a missing feature", doc, "/requires",
                   "requires must list 'as_completed_async_for', used at /main/steps/7/expr/form"});
}

class scenario_files : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aioconform_scenario_codec_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(scenario_files, load_scenario_reads_and_validates_a_file) {
  const auto good = dir_ / "good.json";
  std::ofstream(good) << minimal;
  EXPECT_EQ(load_scenario(good).name, "gather/child-raises-others-keep-running");

  const auto bad = dir_ / "bad.json";
  std::ofstream(bad) << with(json::parse(minimal), "/main/steps/0/op", "slep").dump();
  try {
    (void)load_scenario(bad);
    FAIL() << "accepted";
  } catch (const format_error& e) {
    EXPECT_EQ(e.file, bad.string());
    EXPECT_EQ(e.json_path, "/main/steps/0/op");
    EXPECT_EQ(
        std::string(e.what()).rfind(bad.string() + ": /main/steps/0/op: unknown op 'slep'", 0), 0u)
        << e.what();
  }
}

/// Every scenario of the golden corpus parses, and its name is its path below
/// golden/scenarios/ without `.json`.
TEST(golden_scenarios, all_parse_and_are_named_by_their_path) {
  const std::filesystem::path root =
      std::filesystem::path(AIOCONFORM_SOURCE_DIR) / "golden" / "scenarios";
  std::size_t count = 0;
  if (std::filesystem::is_directory(root)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      ++count;
      try {
        const scenario s = load_scenario(entry.path());
        std::filesystem::path expected = std::filesystem::relative(entry.path(), root);
        expected.replace_extension();
        EXPECT_EQ(s.name, expected.generic_string()) << entry.path();
      } catch (const format_error& e) {
        ADD_FAILURE() << e.what();
      }
    }
  }
  if (count == 0) GTEST_SKIP() << "no golden scenarios under " << root;
}

}  // namespace
}  // namespace aioconform::format
