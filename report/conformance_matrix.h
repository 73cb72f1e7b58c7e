#pragma once

// The conformance matrix: SPEC.md clauses (rows, grouped by family) against runtimes
// (columns). A cell counts, for one clause on one runtime, the traces that passed (the model
// accepted a trace whose scenario exercises the clause), the deviations (the model rejected a
// trace citing the clause; known ones, listed in spec/deviations.json, apart from the
// unexplained) and the traces where it does not apply (the runtime lacks a feature the
// scenario needs). Every deviation keeps its counterexample: the smallest scenario and the
// trace that shows it, drawn as a timeline.

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report/clause_catalog.h"

namespace aioconform::report {

struct cell_counts {
  std::size_t passes = 0;
  std::size_t known_deviations = 0;
  std::size_t unexplained = 0;
  std::size_t not_applicable = 0;
};

enum class cell_status { pass, deviation, not_applicable, not_exercised };

/// "pass", "deviation", "n/a", "-".
[[nodiscard]] const char* status_name(cell_status s);

struct counterexample {
  std::string runtime;
  std::string clause;
  std::string scenario;     ///< a golden scenario's name, or "check/case-K"
  std::string origin;       ///< "golden" or "sample (seed S, case K)"
  bool known = false;       ///< listed in spec/deviations.json
  std::string explanation;  ///< the model's verdict in one sentence
  std::string reproduce;    ///< the command that shows it again
  std::string timeline_text;
  std::string timeline_svg;
};

struct runtime_column {
  std::string name;
  std::string profile;  ///< the version profile it is judged by
  std::string note;     ///< e.g. "not installed here: goldens only"
  std::size_t golden_traces = 0;
  std::size_t sample_cases = 0;
};

class conformance_matrix {
 public:
  explicit conformance_matrix(clause_catalog catalog) : catalog_(std::move(catalog)) {}

  /// Adds a column (runtimes keep the order they are added in); returns it.
  runtime_column& add_runtime(const std::string& name);

  void add_pass(const std::string& clause, const std::string& runtime);
  void add_not_applicable(const std::string& clause, const std::string& runtime);
  /// Counts a deviation in its clause's cell and keeps its counterexample.
  void add_deviation(counterexample example);

  [[nodiscard]] const clause_catalog& catalog() const { return catalog_; }
  [[nodiscard]] const std::vector<runtime_column>& runtimes() const { return runtimes_; }
  [[nodiscard]] const std::vector<counterexample>& counterexamples() const { return examples_; }
  /// Every clause with a row: the catalog's, then any other clause a verdict cited.
  [[nodiscard]] std::vector<clause_entry> rows() const;
  [[nodiscard]] cell_counts counts(const std::string& clause, const std::string& runtime) const;
  /// Deviation beats pass beats not applicable.
  [[nodiscard]] cell_status status(const std::string& clause, const std::string& runtime) const;
  /// Indices into counterexamples() of a cell's deviations.
  [[nodiscard]] std::vector<std::size_t> examples_of(const std::string& clause,
                                                     const std::string& runtime) const;

  /// A timeline shown whatever the results (a seed example), with its caption.
  std::string example_caption;
  std::string example_text;
  std::string example_svg;
  /// The command that regenerates the page.
  std::string command;

 private:
  using key = std::pair<std::string, std::string>;  // clause, runtime
  cell_counts& cell(const std::string& clause, const std::string& runtime);

  clause_catalog catalog_;
  std::vector<runtime_column> runtimes_;
  std::map<key, cell_counts> cells_;
  std::map<key, std::vector<std::size_t>> cell_examples_;
  std::vector<counterexample> examples_;
};

}  // namespace aioconform::report
