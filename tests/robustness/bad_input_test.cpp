// Hand-written input gone wrong: malformed or schema-invalid scenario, trace, golden and
// configuration files, and scenarios beyond the format's limits. Each must end the command
// with exit 2 and one error naming the file, the JSON path and the reason; never an
// uncaught exception, a crash or a hang.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/robustness/cli_sandbox.h"

namespace aioconform::testing {
namespace {

using cli::testing::contains;

struct bad_file {
  std::string name;               ///< the test's name
  std::string file;               ///< where it is written, relative to the sandbox
  std::string text;               ///< its content
  std::vector<std::string> args;  ///< the aioconform command that reads it
  std::string error;              ///< what stderr must say after "aioconform: error: "
};

std::string scenario_with_main(const std::string& main, const std::string& features = "[]") {
  return R"({"format": "aioconform.scenario/1", "name": "x", "description": "d",
             "clauses": [], "requires": )" +
         features + R"(, "main": )" + main + "}";
}

// `depth` timeout blocks, one inside the other.
std::string nested_blocks(int depth) {
  std::string block = R"({"op": "sleep", "d": 0})";
  for (int i = 0; i < depth; ++i) block = R"({"op": "timeout", "d": 1, "steps": [)" + block + "]}";
  return scenario_with_main(R"({"steps": [)" + block + "]}", R"(["timeout"])");
}

std::string many_steps(int count) {
  std::string steps;
  for (int i = 0; i < count; ++i) steps += std::string(i ? "," : "") + R"({"op": "sleep", "d": 0})";
  return scenario_with_main(R"({"steps": [)" + steps + "]}");
}

const std::vector<bad_file> bad_files = {
    {"scenario_not_json",
     "s.json",
     "{\"format\": ",
     {"run", "s.json", "--runtime", "impl"},
     "s.json: "},
    {"scenario_truncated",
     "s.json",
     scenario_with_main(R"({"steps": [)").substr(0, 60),
     {"run", "s.json", "--runtime", "impl"},
     "s.json: "},
    {"scenario_unknown_op",
     "s.json",
     scenario_with_main(R"({"steps": [{"op": "fly"}]})"),
     {"run", "s.json", "--runtime", "impl"},
     "s.json: /main/steps/0/op: "},
    {"scenario_duplicate_key",
     "s.json",
     R"({"format": "a", "format": "b"})",
     {"run", "s.json", "--runtime", "impl"},
     "s.json: /format: "},
    {"scenario_deep_json",
     "s.json",
     std::string(100000, '['),
     {"run", "s.json", "--runtime", "impl"},
     "nesting deeper than 256 levels"},
    {"scenario_invalid_utf8",
     "s.json",
     "{\"name\": \"\xff\"}",
     {"run", "s.json", "--runtime", "impl"},
     "s.json: "},
    {"scenario_too_deep",
     "s.json",
     nested_blocks(12),
     {"run", "s.json", "--runtime", "impl"},
     "nesting deeper than 8 levels"},
    {"scenario_too_many_steps",
     "s.json",
     many_steps(2001),
     {"run", "s.json", "--runtime", "impl"},
     "/main/steps/2000: more than 2000 steps"},
    {"scenario_duration_too_long",
     "s.json",
     scenario_with_main(R"({"steps": [{"op": "sleep", "d": 1000001}]})"),
     {"run", "s.json", "--runtime", "impl"},
     "s.json: /main/steps/0/d: "},
    {"scenario_negative_duration",
     "s.json",
     scenario_with_main(R"({"steps": [{"op": "sleep", "d": -1}]})"),
     {"run", "s.json", "--runtime", "impl"},
     "s.json: /main/steps/0/d: "},
    {"scenario_string_too_long",
     "s.json",
     scenario_with_main(R"({"steps": [{"op": "return", "value": ")" + std::string(1025, 'x') +
                        "\"}]}"),
     {"run", "s.json", "--runtime", "impl"},
     "s.json: /main/steps/0/value: "},
    {"trace_not_json", "t.json", "not json", {"verify", "t.json"}, "t.json: "},
    {"trace_truncated",
     "t.json",
     R"({"format": "aioconform.trace/1", "scenario": "fake/re)",
     {"verify", "t.json"},
     "t.json: "},
    {"trace_unknown_event_kind",
     "t.json",
     R"({"format": "aioconform.trace/1", "scenario": "fake/returns",
         "runtime": {"name": "x", "implementation": "cpython", "version": "3.12.1",
                     "loop": "asyncio", "tasks": "c", "task_factory": "default",
                     "clock": "virtual", "unit_ms": 0},
         "end": "completed", "missing": [],
         "events": [{"t": 0, "task": "main", "ev": "teleport"}],
         "futures": {"main": {"kind": "task", "state": {"result": null}}}, "reports": []})",
     {"verify", "t.json"},
     "t.json: /events/0/ev: unknown event kind 'teleport'"},
    {"trace_wrong_format_version",
     "t.json",
     R"({"format": "aioconform.trace/9"})",
     {"verify", "t.json"},
     "t.json: /format: "},
    {"golden_trace_not_json",
     "golden/traces/fake/fake/returns.json",
     "{\"format\"",
     {"verify", "--runtime", "fake", "--profile", "3.12"},
     "returns.json: "},
    {"golden_trace_schema_invalid",
     "golden/traces/fake/fake/returns.json",
     R"({"format": "aioconform.trace/1", "scenario": "fake/returns"})",
     {"verify", "--runtime", "fake", "--profile", "3.12"},
     "returns.json: "},
    {"golden_scenario_invalid",
     "golden/scenarios/fake/returns.json",
     scenario_with_main(R"({"steps": 3})"),
     {"record", "--runtime", "impl"},
     "returns.json: /main/steps: "},
    {"config_not_json", "c.json", "[", {"runtimes", "--config", "c.json"}, "c.json: "},
    {"config_schema_invalid",
     "c.json",
     R"({"format": "aioconform.runtimes/1", "runtimes": [{"name": "x", "command": "python"}]})",
     {"record", "--config", "c.json"},
     "c.json: /runtimes/0/command: "},
};

class bad_input : public ::testing::TestWithParam<bad_file> {};

TEST_P(bad_input, is_an_error_naming_file_path_and_reason) {
  const bad_file& bad = GetParam();
  cli_sandbox sandbox;
  write_file(sandbox.dir / bad.file, bad.text);
  const auto result = sandbox.run(bad.args);
  std::string line = "aioconform";
  for (const auto& a : bad.args) line += " " + a;
  const std::string context = "in " + sandbox.dir.path().string() + ": " + line + "\nexit " +
                              std::to_string(result.code) + "\n--- stdout\n" + result.out +
                              "\n--- stderr\n" + result.err;
  EXPECT_EQ(result.code, 2) << context;
  EXPECT_TRUE(contains(result.err, "aioconform: error: ")) << context;
  EXPECT_TRUE(contains(result.err, bad.error)) << context;
  EXPECT_FALSE(contains(result.err, "AddressSanitizer")) << context;
  EXPECT_FALSE(contains(result.err, "runtime error:")) << context;  // UBSan
}

INSTANTIATE_TEST_SUITE_P(files, bad_input, ::testing::ValuesIn(bad_files),
                         [](const ::testing::TestParamInfo<bad_file>& param_info) {
                           return param_info.param.name;
                         });

TEST(bad_golden, replay_reports_a_corrupt_golden_and_replays_the_rest) {
  cli_sandbox sandbox;
  const std::string good = sandbox.config("good.json", {{"fake", {"good"}}});
  ASSERT_EQ(sandbox.run({"record", "--runtime", "fake", "--config", good}).code, 0);
  write_file(sandbox.dir / "golden/traces/fake/fake/returns.json", "{\"format\": ");
  const auto result = sandbox.run({"replay", "--runtime", "fake", "--config", good});
  EXPECT_EQ(result.code, 2) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "fake  fake/returns\n    the golden trace is invalid: "))
      << result.out;
  EXPECT_TRUE(contains(result.out, "returns.json: ")) << result.out;
  EXPECT_FALSE(contains(result.out, "REGRESSION")) << result.out;
  EXPECT_TRUE(contains(result.out, "total            2           1       0            0       1\n"))
      << result.out;
}

}  // namespace
}  // namespace aioconform::testing
