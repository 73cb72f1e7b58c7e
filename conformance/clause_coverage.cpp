#include "conformance/clause_coverage.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>

#include "conformance/case_source.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::conformance {

std::vector<std::string> spec_clause_ids(const std::filesystem::path& spec) {
  std::ifstream in(spec);
  if (!in) throw std::runtime_error("cannot read " + spec.string());
  static const std::regex heading(R"(^### [0-9]+\.[0-9]+ `([^`]+)`)");
  std::vector<std::string> ids;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, heading)) ids.push_back(m[1]);
  }
  if (ids.empty()) throw std::runtime_error(spec.string() + " defines no clause");
  return ids;
}

std::map<std::string, std::string> load_unreachable_clauses(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path.string() + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != "aioconform.unreachable-clauses/1") {
    throw std::runtime_error(path.string() +
                             ": format: expected \"aioconform.unreachable-clauses/1\"");
  }
  if (!doc.contains("clauses") || !doc["clauses"].is_object()) {
    throw std::runtime_error(path.string() + ": clauses: expected an object id -> reason");
  }
  std::map<std::string, std::string> out;
  for (const auto& [id, why] : doc["clauses"].items()) {
    if (!why.is_string() || why.get<std::string>().empty()) {
      throw std::runtime_error(path.string() + ": clauses." + id + ": expected a non-empty reason");
    }
    out[id] = why.get<std::string>();
  }
  return out;
}

clause_coverage generator_coverage(std::uint64_t seed, std::uint64_t cases,
                                   const std::vector<model::profile>& profiles) {
  clause_coverage coverage;
  for (const model::profile& profile : profiles) {
    for (std::uint64_t index = 0; index < cases; ++index) {
      const live_case c = make_case(seed, index, profile).value();
      ++coverage.total;
      std::set<std::string> involved;
      try {
        involved = model::exercised_clauses(model::simulate(c.scenario, profile));
      } catch (const model::scenario_error&) {
      }
      for (const std::string& clause : involved) ++coverage.scenarios[clause];
    }
  }
  return coverage;
}

std::vector<std::string> unexercised(const std::vector<std::string>& ids,
                                     const std::map<std::string, std::size_t>& counts) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    if (!counts.contains(id)) out.push_back(id);
  }
  return out;
}

}  // namespace aioconform::conformance
