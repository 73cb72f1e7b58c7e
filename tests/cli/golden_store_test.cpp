#include "cli/golden_store.h"

#include <gtest/gtest.h>

#include "format/format_error.h"
#include "tests/fakes/fakes.h"

namespace aioconform::cli {
namespace {

namespace fs = std::filesystem;
using aioconform::testing::read_file;
using aioconform::testing::temp_directory;
using aioconform::testing::write_file;
using outcome = golden_store::write_outcome;

std::string scenario_text(const std::string& name) {
  return R"({"format": "aioconform.scenario/1", "name": ")" + name +
         R"(", "description": "d", "clauses": [], "requires": [],
            "main": {"steps": [{"op": "return", "value": 1}]}})";
}

TEST(golden_store, lists_scenarios_recursively_and_sorted) {
  temp_directory dir;
  write_file(dir / "scenarios/wait/b.json", "{}");
  write_file(dir / "scenarios/gather/z.json", "{}");
  write_file(dir / "scenarios/gather/deep/a.json", "{}");
  write_file(dir / "scenarios/gather/README.md", "not a scenario");
  write_file(dir / "scenarios/gather/.x.json.abc123", "a temporary file");
  write_file(dir / "scenarios/.hidden.json", "{}");
  const golden_store store(dir.path());
  EXPECT_EQ(store.scenario_names(),
            (std::vector<std::string>{"gather/deep/a", "gather/z", "wait/b"}));
  EXPECT_EQ(store.scenario_path("gather/z"), dir / "scenarios/gather/z.json");
  EXPECT_EQ(store.trace_path("cpython-3.12", "gather/z"),
            dir / "traces/cpython-3.12/gather/z.json");
}

TEST(golden_store, an_empty_or_missing_corpus_has_no_names) {
  temp_directory dir;
  const golden_store store(dir / "nothing-here");
  EXPECT_TRUE(store.scenario_names().empty());
  EXPECT_TRUE(store.trace_runtimes().empty());
  EXPECT_TRUE(store.trace_names("cpython-3.12").empty());
  EXPECT_EQ(store.read_trace("cpython-3.12", "x"), std::nullopt);
}

TEST(golden_store, lists_runtimes_and_their_traces) {
  temp_directory dir;
  write_file(dir / "traces/pypy-3.9/gather/a.json", "1\n");
  write_file(dir / "traces/cpython-3.12/gather/a.json", "2\n");
  write_file(dir / "traces/cpython-3.12/wait/b.json", "3\n");
  const golden_store store(dir.path());
  EXPECT_EQ(store.trace_runtimes(), (std::vector<std::string>{"cpython-3.12", "pypy-3.9"}));
  EXPECT_EQ(store.trace_names("cpython-3.12"), (std::vector<std::string>{"gather/a", "wait/b"}));
  EXPECT_EQ(store.read_trace("cpython-3.12", "wait/b"), "3\n");
}

TEST(golden_store, loads_scenarios_whose_name_matches_their_path) {
  temp_directory dir;
  write_file(dir / "scenarios/gather/ok.json", scenario_text("gather/ok"));
  write_file(dir / "scenarios/gather/moved.json", scenario_text("gather/elsewhere"));
  const golden_store store(dir.path());
  EXPECT_EQ(store.load_scenario("gather/ok").name, "gather/ok");
  try {
    static_cast<void>(store.load_scenario("gather/moved"));
    FAIL() << "expected format_error";
  } catch (const format::format_error& e) {
    EXPECT_EQ(e.file, (dir / "scenarios/gather/moved.json").string());
    EXPECT_EQ(e.json_path, "/name");
    EXPECT_NE(e.reason.find("is 'gather/elsewhere'"), std::string::npos) << e.reason;
  }
  EXPECT_THROW(static_cast<void>(store.load_scenario("gather/missing")), format::format_error);
}

TEST(golden_store, writes_goldens_but_replaces_them_only_when_asked) {
  temp_directory dir;
  const golden_store store(dir.path());
  EXPECT_EQ(store.write_trace("rt", "gather/a", "one\n", false), outcome::created);
  EXPECT_EQ(read_file(dir / "traces/rt/gather/a.json"), "one\n");
  EXPECT_EQ(store.write_trace("rt", "gather/a", "one\n", false), outcome::unchanged);
  EXPECT_EQ(store.write_trace("rt", "gather/a", "one\n", true), outcome::unchanged);
  EXPECT_EQ(store.write_trace("rt", "gather/a", "two\n", false), outcome::kept);
  EXPECT_EQ(read_file(dir / "traces/rt/gather/a.json"), "one\n");
  EXPECT_EQ(store.write_trace("rt", "gather/a", "two\n", true), outcome::updated);
  EXPECT_EQ(read_file(dir / "traces/rt/gather/a.json"), "two\n");

  // No temporary files are left behind, and goldens are world-readable like any source file.
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) ++files;
  }
  EXPECT_EQ(files, 1u);
  const auto perms = fs::status(dir / "traces/rt/gather/a.json").permissions();
  EXPECT_NE(perms & fs::perms::others_read, fs::perms::none);
}

TEST(golden_store, glob_selects_scenarios_across_directories) {
  EXPECT_TRUE(matches_glob("*", "gather/a"));
  EXPECT_TRUE(matches_glob("gather/*", "gather/deep/a"));
  EXPECT_TRUE(matches_glob("gather*", "gather/a"));
  EXPECT_FALSE(matches_glob("wait/*", "gather/a"));
  EXPECT_TRUE(matches_glob("*/child-?aises*", "gather/child-raises-others"));
  EXPECT_TRUE(matches_glob("gather/a", "gather/a"));
}

}  // namespace
}  // namespace aioconform::cli
