// Clause coverage: the random generators of `aioconform check` must reach every clause of
// SPEC.md, except those tests/conformance/unreachable_clauses.json lists with a reason; and
// that list must stay honest (every entry a real clause, none actually reached).

#include "conformance/clause_coverage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace aioconform::conformance {
namespace {

namespace fs = std::filesystem;

const fs::path source(AIOCONFORM_SOURCE_DIR);

std::vector<model::profile> every_profile() {
  return {{8, false},  {9, false},  {10, false}, {11, false},
          {12, false}, {13, false}, {12, true},  {13, true}};
}

TEST(clause_coverage, spec_clauses_are_read_from_the_headings) {
  const std::vector<std::string> ids = spec_clause_ids(source / "spec/SPEC.md");
  EXPECT_GT(ids.size(), 150u);
  EXPECT_EQ(ids.front(), "loop.call_soon.fifo");
  EXPECT_THROW((void)spec_clause_ids(source / "no-such-SPEC.md"), std::runtime_error);
}

TEST(clause_coverage, the_generators_reach_every_reachable_clause) {
  const std::vector<std::string> ids = spec_clause_ids(source / "spec/SPEC.md");
  const auto unreachable =
      load_unreachable_clauses(source / "tests/conformance/unreachable_clauses.json");
  // 400 cases per profile: cases cycle through sizes 0..99, as `check` draws them.
  const clause_coverage coverage = generator_coverage(1, 400, every_profile());
  std::string missing;
  for (const std::string& id : unexercised(ids, coverage.scenarios)) {
    if (!unreachable.contains(id)) missing += " " + id;
  }
  EXPECT_EQ(missing, "") << "clauses no generated scenario exercises (out of " << coverage.total
                         << "); extend properties/scenario_generators.cpp or list them, with "
                            "the reason, in tests/conformance/unreachable_clauses.json";
  for (const auto& [id, why] : unreachable) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end())
        << id << " is listed as unreachable but SPEC.md has no such clause";
    EXPECT_FALSE(coverage.scenarios.contains(id))
        << id << " is listed as unreachable (" << why << ") but " << coverage.scenarios.at(id)
        << " generated scenarios reach it: remove it from the list";
  }
}

TEST(clause_coverage, a_bad_unreachable_list_is_named) {
  const fs::path dir = fs::temp_directory_path() / "aioconform-clause-coverage-test";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "u.json") << R"({"format": "aioconform.unreachable-clauses/1",
                                         "clauses": {"run.main": ""}})";
  }
  try {
    (void)load_unreachable_clauses(dir / "u.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("clauses.run.main: expected a non-empty reason"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace aioconform::conformance
