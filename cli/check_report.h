#pragma once

// What a check run found, per clause, in the three forms its readers want: a table for
// people, JSON for tools (--report-json), JUnit XML for CI dashboards (--junit; one test
// case per clause, failing when the clause has findings).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace aioconform::cli {

struct check_report {
  struct clause_counts {
    std::size_t cases = 0;       ///< cases whose model run passed a transition of the clause
    std::size_t passes = 0;      ///< ... and whose trace the model accepted
    std::size_t findings = 0;    ///< nonconformances citing the clause
    std::size_t deviations = 0;  ///< known deviations citing it
  };
  struct item {
    std::uint64_t case_index = 0;
    std::string clause;  ///< empty for a runtime failure
    std::string text;    ///< the explanation or failure message
    std::string folder;  ///< findings: where it was saved
    std::string reproduce;
  };

  std::string runtime;
  std::string profile;
  std::uint64_t seed = 0;
  std::size_t cases = 0, conforms = 0, deviations = 0, findings = 0, failures = 0;
  std::size_t inconclusive = 0;  ///< of `conforms`: accepted at the model's schedule limit
  std::map<std::string, clause_counts> clauses;
  std::vector<item> finding_items;
  std::vector<item> failure_items;

  /// A per-clause table (clauses with cases or findings).
  [[nodiscard]] std::string clause_table() const;
  void write_json(const std::filesystem::path& path) const;
  void write_junit(const std::filesystem::path& path) const;
};

}  // namespace aioconform::cli
