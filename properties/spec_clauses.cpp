#include "properties/spec_clauses.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace aioconform::properties {

std::set<std::string> load_spec_clause_ids(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  static const std::regex heading(R"(^### [0-9]+\.[0-9]+ `([^`]+)`)");
  static const std::regex also(R"(^- Also: (.*)$)");
  static const std::regex quoted(R"(`([^`]+)`)");
  std::set<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, heading)) {
      ids.insert(m[1]);
    } else if (std::regex_search(line, m, also)) {
      const std::string list = m[1];
      for (auto it = std::sregex_iterator(list.begin(), list.end(), quoted);
           it != std::sregex_iterator(); ++it) {
        ids.insert((*it)[1]);
      }
    }
  }
  if (ids.empty()) throw std::runtime_error(path.string() + " defines no clause");
  return ids;
}

}  // namespace aioconform::properties
