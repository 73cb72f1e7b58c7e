// spec/deviations.json entries: which live runtimes an entry applies to (by golden runtime
// name, or by the interpreter a runtime reports), and errors naming the file and field.

#include "cli/known_deviations.h"

#include <gtest/gtest.h>

#include <string>

#include "format/format_error.h"
#include "tests/fakes/fakes.h"

namespace aioconform::cli {
namespace {

using aioconform::testing::temp_directory;
using aioconform::testing::write_file;

const nlohmann::json cpython_3_11_2 = {{"implementation", "cpython"}, {"version", "3.11.2"}};

TEST(known_deviations, an_interpreter_bug_applies_to_any_runtime_reporting_that_interpreter) {
  temp_directory dir;
  write_file(dir / "deviations.json", R"({"format": "aioconform.deviations/1", "deviations": [
    {"runtime": "uvloop-3.11", "scenario": "s", "clause": "c", "why": "a bug",
     "interpreters": ["cpython 3.11.2"]},
    {"runtime": "uvloop-3.11", "scenario": "t", "clause": "d", "why": "uvloop's own"}]})");
  const known_deviations list = load_known_deviations(dir / "deviations.json");
  ASSERT_EQ(list.entries.size(), 2u);
  const known_deviation& interpreter_bug = list.entries[0];
  const known_deviation& loop_behaviour = list.entries[1];
  EXPECT_TRUE(interpreter_bug.applies_to("custom", cpython_3_11_2));
  EXPECT_TRUE(interpreter_bug.applies_to("uvloop-3.11", nlohmann::json::object()));
  EXPECT_FALSE(
      interpreter_bug.applies_to("custom", {{"implementation", "cpython"}, {"version", "3.11.7"}}));
  EXPECT_FALSE(
      interpreter_bug.applies_to("custom", {{"implementation", "pypy"}, {"version", "3.11.2"}}));
  EXPECT_FALSE(loop_behaviour.applies_to("custom", cpython_3_11_2));
  EXPECT_TRUE(loop_behaviour.applies_to("uvloop-3.11", cpython_3_11_2));
}

TEST(known_deviations, a_malformed_interpreter_names_the_file_and_field) {
  temp_directory dir;
  write_file(dir / "deviations.json", R"({"format": "aioconform.deviations/1", "deviations": [
    {"runtime": "r", "scenario": "s", "clause": "c", "why": "w", "interpreters": ["3.11.2"]}]})");
  try {
    (void)load_known_deviations(dir / "deviations.json");
    FAIL() << "a malformed interpreter was accepted";
  } catch (const format::format_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("deviations.json"), std::string::npos) << what;
    EXPECT_NE(what.find("$.deviations[0].interpreters[0]"), std::string::npos) << what;
    EXPECT_NE(what.find("cpython 3.11.2"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace aioconform::cli
