#include "report/conformance_matrix.h"

#include <algorithm>
#include <set>

namespace aioconform::report {

const char* status_name(cell_status s) {
  switch (s) {
    case cell_status::pass:
      return "pass";
    case cell_status::deviation:
      return "deviation";
    case cell_status::not_applicable:
      return "n/a";
    case cell_status::not_exercised:
      return "-";
  }
  return "-";
}

runtime_column& conformance_matrix::add_runtime(const std::string& name) {
  const auto it = std::find_if(runtimes_.begin(), runtimes_.end(),
                               [&](const runtime_column& r) { return r.name == name; });
  if (it != runtimes_.end()) return *it;
  runtimes_.push_back({name, "", "", 0, 0});
  return runtimes_.back();
}

cell_counts& conformance_matrix::cell(const std::string& clause, const std::string& runtime) {
  add_runtime(runtime);
  return cells_[{clause, runtime}];
}

void conformance_matrix::add_pass(const std::string& clause, const std::string& runtime) {
  ++cell(clause, runtime).passes;
}

void conformance_matrix::add_not_applicable(const std::string& clause, const std::string& runtime) {
  ++cell(clause, runtime).not_applicable;
}

void conformance_matrix::add_deviation(counterexample example) {
  cell_counts& c = cell(example.clause, example.runtime);
  ++(example.known ? c.known_deviations : c.unexplained);
  cell_examples_[{example.clause, example.runtime}].push_back(examples_.size());
  examples_.push_back(std::move(example));
}

std::vector<clause_entry> conformance_matrix::rows() const {
  std::vector<clause_entry> out = catalog_.clauses();
  std::set<std::string> known;
  for (const clause_entry& c : out) known.insert(c.id);
  std::set<std::string> extra;
  for (const auto& [k, counts] : cells_) {
    if (!known.contains(k.first)) extra.insert(k.first);
  }
  for (const std::string& id : extra) out.push_back({id, catalog_.family_of(id)});
  // Group by family in the catalog's family order, keeping document order inside one.
  const auto& families = catalog_.families();
  auto rank = [&](const clause_entry& c) {
    const auto it = std::find(families.begin(), families.end(), c.family);
    return static_cast<std::size_t>(it - families.begin());
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const clause_entry& a, const clause_entry& b) { return rank(a) < rank(b); });
  return out;
}

cell_counts conformance_matrix::counts(const std::string& clause,
                                       const std::string& runtime) const {
  const auto it = cells_.find({clause, runtime});
  return it == cells_.end() ? cell_counts{} : it->second;
}

cell_status conformance_matrix::status(const std::string& clause,
                                       const std::string& runtime) const {
  const cell_counts c = counts(clause, runtime);
  if (c.known_deviations + c.unexplained > 0) return cell_status::deviation;
  if (c.passes > 0) return cell_status::pass;
  if (c.not_applicable > 0) return cell_status::not_applicable;
  return cell_status::not_exercised;
}

std::vector<std::size_t> conformance_matrix::examples_of(const std::string& clause,
                                                         const std::string& runtime) const {
  const auto it = cell_examples_.find({clause, runtime});
  return it == cell_examples_.end() ? std::vector<std::size_t>{} : it->second;
}

}  // namespace aioconform::report
