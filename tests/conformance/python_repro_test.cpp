// The standalone repro programs: for corpus scenarios, the program python_repro writes runs
// on plain CPython (no adapter, no aioconform) and prints the same key events as the golden
// trace that the adapter recorded on that interpreter: every coroutine's exit (time, name,
// outcome) in order, and how asyncio.run ended.

#include "conformance/python_repro.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/runtime_catalog.h"
#include "format/json_file.h"

namespace aioconform::conformance {
namespace {

namespace fs = std::filesystem;

const fs::path golden = fs::path(AIOCONFORM_SOURCE_DIR) / "golden";

std::optional<std::string> interpreter_of(const std::string& runtime) {
  static cli::runtime_catalog catalog(std::nullopt);
  const auto spec = catalog.find(runtime);
  if (!spec || spec->interpreter.empty()) return std::nullopt;
  return spec->interpreter;
}

std::vector<std::string> run_program(const std::string& python, const std::string& program) {
  const fs::path file =
      fs::temp_directory_path() / ("aioconform-repro-" + std::to_string(::getpid()) + ".py");
  std::ofstream(file) << program;
  const std::string command = python + " -I " + file.string() + " 2>/dev/null";
  std::vector<std::string> lines;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    std::string text;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, n);
    ::pclose(pipe);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  fs::remove(file);
  return lines;
}

std::string time_text(const nlohmann::json& t) {
  return "[t=" + t.dump() + "] ";
}

/// The lines the program must print, in order, for a golden trace: each exit, then the end.
/// A line ending in "returned" only needs to start the printed line (a value holding tasks
/// or sets is printed in Python's terms, not the trace's).
std::vector<std::string> expected_lines(const nlohmann::json& trace) {
  std::vector<std::string> out;
  for (const auto& e : trace.at("events")) {
    if (e.at("ev") != "exit") continue;
    out.push_back(time_text(e.at("t")) + e.at("task").get<std::string>() + ": exit, " +
                  python_repro_outcome(e.at("outcome")));
  }
  if (trace.at("end") == "hang") {
    out.push_back("hang: nothing is ready and no timer is set, so nothing can run again");
  } else {
    const std::string main = python_repro_outcome(trace.at("futures").at("main").at("state"));
    out.push_back(main.rfind("returned", 0) == 0 ? "asyncio.run(main()) returned"
                                                 : "asyncio.run(main()) " + main);
  }
  return out;
}

bool line_matches(const std::string& printed, const std::string& expected) {
  if (expected.size() >= 8 && expected.compare(expected.size() - 8, 8, "returned") == 0) {
    return printed.rfind(expected, 0) == 0;
  }
  return printed == expected;
}

nlohmann::json golden_trace(const std::string& runtime, const std::string& name) {
  return format::load_json_file(golden / "traces" / runtime / (name + ".json"));
}

/// Checks one scenario's program against `trace`; an empty string when they agree.
std::string disagreement(const std::string& runtime, const std::string& python,
                         const std::string& name, const nlohmann::json& trace) {
  const nlohmann::json scenario = format::load_json_file(golden / "scenarios" / (name + ".json"));
  const std::string program = python_repro(scenario, "(test)");
  const std::vector<std::string> printed = run_program(python, program);
  std::size_t at = 0;
  for (const std::string& want : expected_lines(trace)) {
    while (at < printed.size() && !line_matches(printed[at], want)) ++at;
    if (at == printed.size()) {
      std::string all;
      for (const auto& l : printed) all += "\n    " + l;
      return name + " on " + runtime + ": expected, in order, a line \"" + want +
             "\"; the program printed:" + all;
    }
    ++at;
  }
  return "";
}

// Scenarios chosen to cover every combinator, on_cancel policies, declared exceptions,
// asyncio.run's shutdown and a hang. (All 126 of the corpus agree on both interpreters:
// AIOCONFORM_REPRO_FULL=1 checks them all, ~2 minutes.)
const std::vector<std::string> corpus = {
    "as_completed/async-for-timeout-raised-by-iterator",
    "as_completed/timeout-remaining-items-raise",
    "gather/child-raises-others-keep-running",
    "gather/outer-cancel-all-children-swallow",
    "loop/cancel-wakeups-follow-cancel-order",
    "run/leftover-raises-on-cancel-reported",
    "seeds/000-as-completed-timeout",
    "shield/inner-cancel-cancels-outer",
    "task/cancel-absorbed-by-awaited-task",
    "taskgroup/body-raises",
    "timeout/after-swallowed-cancel",
    "wait/all-completed-returns-sets",
    "wait/bare-coroutine",
    "wait_any/first-completed-cancels-rest",
    "wait_for/coroutine-runs-inline-from-3.12",
};

std::vector<std::string> scenarios_to_check() {
  if (std::getenv("AIOCONFORM_REPRO_FULL") == nullptr) return corpus;
  std::vector<std::string> all;
  for (const auto& entry : fs::recursive_directory_iterator(golden / "scenarios")) {
    if (entry.path().extension() != ".json") continue;
    std::string name =
        fs::relative(entry.path(), golden / "scenarios").replace_extension().string();
    all.push_back(name);
  }
  std::sort(all.begin(), all.end());
  return all;
}

void check_runtime(const std::string& runtime) {
  const std::optional<std::string> python = interpreter_of(runtime);
  if (!python) GTEST_SKIP() << runtime << " is not installed here (aioconform runtimes)";
  std::size_t checked = 0;
  for (const std::string& name : scenarios_to_check()) {
    if (!fs::exists(golden / "traces" / runtime / (name + ".json"))) continue;
    const nlohmann::json trace = golden_trace(runtime, name);
    if (!trace.at("futures").contains("main")) continue;  // "unsupported": nothing ran
    EXPECT_EQ(disagreement(runtime, *python, name, trace), "");
    ++checked;
  }
  EXPECT_GE(checked, 10u) << "the golden traces of " << runtime << " are missing";
}

TEST(python_repro, agrees_with_the_golden_traces_of_cpython_3_13) {
  check_runtime("cpython-3.13");
}

TEST(python_repro, agrees_with_the_golden_traces_of_cpython_3_8) {
  check_runtime("cpython-3.8");
}

// The comparison can fail: a trace in which gather cancelled its other child (as a
// gather that cancels on the first failure would) is not what the program prints.
TEST(python_repro, a_different_trace_is_a_disagreement) {
  const std::optional<std::string> python = interpreter_of("cpython-3.13");
  if (!python) GTEST_SKIP() << "cpython-3.13 is not installed here (aioconform runtimes)";
  const std::string name = "gather/child-raises-others-keep-running";
  nlohmann::json trace = golden_trace("cpython-3.13", name);
  for (auto& e : trace.at("events")) {
    if (e.at("ev") == "exit" && e.at("task") == "slow") {
      e["outcome"] = {{"cancelled", {{"message", ""}}}};
    }
  }
  EXPECT_NE(disagreement("cpython-3.13", *python, name, trace), "");
}

TEST(python_repro, outcomes_are_spelled_as_the_program_prints_them) {
  EXPECT_EQ(python_repro_outcome({{"result", "ok"}}), "returned 'ok'");
  EXPECT_EQ(python_repro_outcome({{"result", {{"a", {1, 2}}}}}), "returned");
  EXPECT_EQ(python_repro_outcome({{"result", {{"a", nullptr}, {"b", true}}}}),
            "returned {'a': None, 'b': True}");
  EXPECT_EQ(python_repro_outcome({{"exception", {{"type", "ValueError"}, {"message", "boom"}}}}),
            "raised ValueError: boom");
  EXPECT_EQ(python_repro_outcome({{"cancelled", {{"message", "bye"}}}}), "cancelled: bye");
}

}  // namespace
}  // namespace aioconform::conformance
