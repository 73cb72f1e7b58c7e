#pragma once

// clause_coverage: which SPEC.md clauses the checked scenarios exercise. A scenario
// exercises a clause when the model's simulation of it takes a transition tagged with that
// clause, or a branch inside a broader transition that the clause describes, or decides its
// end or reports by that clause (model::exercised_clauses). Every check report counts them per
// clause; the coverage test insists that the random generators reach every clause of SPEC.md,
// except the few listed, each with its reason, as unreachable by design.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "spec/model/profile.h"

namespace aioconform::conformance {

/// The clause ids SPEC.md defines (`### N.M \`id\`` headings; aliases excluded), in file
/// order. Throws std::runtime_error when the file cannot be read or defines none.
[[nodiscard]] std::vector<std::string> spec_clause_ids(const std::filesystem::path& spec);

/// SPEC.md beside a golden directory (spec/SPEC.md).
[[nodiscard]] inline std::filesystem::path default_spec_path(
    const std::filesystem::path& golden_root) {
  return golden_root.parent_path() / "spec" / "SPEC.md";
}

/// Clauses no generated scenario can reach, with the reason:
///   {"format": "aioconform.unreachable-clauses/1", "clauses": {"id": "why", ...}}
/// Throws std::runtime_error naming the file, the field and the reason.
[[nodiscard]] std::map<std::string, std::string> load_unreachable_clauses(
    const std::filesystem::path& path);

/// Per clause, how many of `cases` cases of `seed` (conformance::make_case, for each of
/// `profiles`) the model's simulation passes through. Clauses never reached are absent.
struct clause_coverage {
  std::map<std::string, std::size_t> scenarios;
  std::size_t total = 0;  ///< scenarios simulated
};
[[nodiscard]] clause_coverage generator_coverage(std::uint64_t seed, std::uint64_t cases,
                                                 const std::vector<model::profile>& profiles);

/// The clauses of `ids` that `counts` lacks: "not exercised".
[[nodiscard]] std::vector<std::string> unexercised(
    const std::vector<std::string>& ids, const std::map<std::string, std::size_t>& counts);

}  // namespace aioconform::conformance
