#pragma once

// The clause ids SPEC.md defines, so that a property can insist a rejection cites a real
// clause (a verdict naming an id nobody can look up explains nothing).

#include <filesystem>
#include <set>
#include <string>

namespace aioconform::properties {

/// The ids of `path` (spec/SPEC.md): every `### N.M \`id\`` heading, and every alias listed
/// on a clause's `- Also:` line (SPEC.md 0.1: both resolve to the clause). Throws
/// std::runtime_error when the file cannot be read or defines no clause.
[[nodiscard]] std::set<std::string> load_spec_clause_ids(const std::filesystem::path& path);

}  // namespace aioconform::properties
