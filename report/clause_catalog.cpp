#include "report/clause_catalog.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "format/format_error.h"

namespace aioconform::report {
namespace {

/// The backquoted words of `line`.
std::vector<std::string> backquoted(std::string_view line) {
  std::vector<std::string> out;
  for (std::size_t open = line.find('`'); open != std::string_view::npos;) {
    const std::size_t close = line.find('`', open + 1);
    if (close == std::string_view::npos) break;
    out.emplace_back(line.substr(open + 1, close - open - 1));
    open = line.find('`', close + 1);
  }
  return out;
}

bool looks_like_clause(std::string_view word) {
  return word.find('.') != std::string_view::npos && word.find(' ') == std::string_view::npos &&
         word.find('(') == std::string_view::npos && !word.empty() && word.front() >= 'a' &&
         word.front() <= 'z';
}

/// `*` matches any run of characters; enough for §12's `taskgroup.*`.
bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         glob_match(pattern.substr(1), text.substr(1));
}

}  // namespace

clause_catalog clause_catalog::parse(std::string_view spec_text) {
  clause_catalog catalog;
  std::string family;
  bool in_versions = false;
  std::istringstream lines{std::string(spec_text)};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("## ")) {
      const auto words = backquoted(line);
      family = words.empty() ? "" : words.front();
      if (!family.empty()) catalog.families_.push_back(family);
      in_versions = line.find("Version profiles") != std::string::npos;
      continue;
    }
    if (line.starts_with("### ") && !family.empty()) {
      const auto words = backquoted(line);
      if (!words.empty() && looks_like_clause(words.front())) {
        catalog.clauses_.push_back({words.front(), family});
      }
      continue;
    }
    if (in_versions) {
      for (const std::string& word : backquoted(line)) {
        if (looks_like_clause(word)) catalog.version_patterns_.push_back(word);
      }
    }
  }
  return catalog;
}

clause_catalog clause_catalog::load(const std::filesystem::path& spec_file) {
  std::ifstream in(spec_file);
  if (!in) throw format::format_error(spec_file.string(), "", "cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  clause_catalog catalog = parse(text.str());
  if (catalog.clauses_.empty()) {
    throw format::format_error(spec_file.string(), "$",
                               "no clause headings ('### N.M `family.clause`') found");
  }
  return catalog;
}

std::string clause_catalog::family_of(std::string_view clause) const {
  const auto it = std::find_if(clauses_.begin(), clauses_.end(),
                               [&](const clause_entry& c) { return c.id == clause; });
  if (it != clauses_.end()) return it->family;
  return std::string(clause.substr(0, clause.find('.')));
}

bool clause_catalog::changes_between_versions(std::string_view clause) const {
  return std::any_of(version_patterns_.begin(), version_patterns_.end(),
                     [&](const std::string& p) { return glob_match(p, clause); });
}

}  // namespace aioconform::report
