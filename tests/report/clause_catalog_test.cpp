#include "report/clause_catalog.h"

#include <gtest/gtest.h>

#include "format/format_error.h"
#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

TEST(clause_catalog, reads_clauses_families_and_version_changes) {
  const clause_catalog c = clause_catalog::parse(
      "# spec\n## 0. Conventions\n### 0.1 Clause form\n"
      "## 1. `loop` - the loop\n### 1.1 `loop.call_soon.fifo`\ntext `not.a-clause heading`\n"
      "## 3. `gather` - gather\n### 3.1 `gather.future`\n### 3.2 `gather.done-children`\n"
      "## 12. Version profiles\n| `gather.done-children` | 3.12 |\n| `taskgroup.*` | 3.11 |\n"
      "## 13. Known deviations\n");
  ASSERT_EQ(c.clauses().size(), 3u);
  EXPECT_EQ(c.clauses()[0].id, "loop.call_soon.fifo");
  EXPECT_EQ(c.clauses()[0].family, "loop");
  EXPECT_EQ(c.clauses()[2].family, "gather");
  EXPECT_EQ(c.families(), (std::vector<std::string>{"loop", "gather"}));
  EXPECT_TRUE(c.changes_between_versions("gather.done-children"));
  EXPECT_FALSE(c.changes_between_versions("gather.future"));
  EXPECT_TRUE(c.changes_between_versions("taskgroup.uncancel"));
  EXPECT_EQ(c.family_of("wait.no-raise"), "wait");  // not in the catalog: its prefix
}

TEST(clause_catalog, loads_spec_md) {
  const clause_catalog c = clause_catalog::load(testing::source_dir() / "spec/SPEC.md");
  EXPECT_GT(c.clauses().size(), 150u);
  EXPECT_EQ(c.families().front(), "loop");
  EXPECT_EQ(c.family_of("gather.exception.first-propagates"), "gather");
  EXPECT_TRUE(c.changes_between_versions("wait_for.coroutine.inline"));
  EXPECT_TRUE(c.changes_between_versions("task.start.eager"));
  EXPECT_FALSE(c.changes_between_versions("gather.order"));
}

TEST(clause_catalog, a_missing_or_clauseless_file_is_an_error_naming_it) {
  try {
    (void)clause_catalog::load("/nonexistent/SPEC.md");
    FAIL();
  } catch (const format::format_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/SPEC.md"), std::string::npos);
  }
  EXPECT_THROW((void)clause_catalog::load(testing::source_dir() / "README.md"),
               format::format_error);
}

}  // namespace
}  // namespace aioconform::report
