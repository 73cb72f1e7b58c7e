#pragma once

// The clauses of spec/SPEC.md as reports need them: each clause id with its family (the
// "## N. `family`" section it sits in), in document order, and which clauses §12 (version
// profiles) names as differing between versions or under the eager task factory.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace aioconform::report {

struct clause_entry {
  std::string id;      ///< e.g. "gather.exception.first-propagates"
  std::string family;  ///< e.g. "gather"
};

class clause_catalog {
 public:
  /// Parses SPEC.md text. `source` names it in errors.
  static clause_catalog parse(std::string_view spec_text);
  /// Reads and parses a SPEC.md file; throws format::format_error naming the file when it
  /// cannot be read or holds no clause.
  static clause_catalog load(const std::filesystem::path& spec_file);

  /// Every clause, in document order.
  [[nodiscard]] const std::vector<clause_entry>& clauses() const { return clauses_; }
  /// Every family, in document order.
  [[nodiscard]] const std::vector<std::string>& families() const { return families_; }
  /// The family of `clause`: its catalog family, else the part before its first dot.
  [[nodiscard]] std::string family_of(std::string_view clause) const;
  /// True when §12 names the clause (exactly, or through a pattern such as `taskgroup.*`)
  /// as one whose behaviour changes with the version or the task factory.
  [[nodiscard]] bool changes_between_versions(std::string_view clause) const;

 private:
  std::vector<clause_entry> clauses_;
  std::vector<std::string> families_;
  std::vector<std::string> version_patterns_;  ///< clause ids or globs cited in §12
};

}  // namespace aioconform::report
