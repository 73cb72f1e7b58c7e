// Exploration, not a test: random scenarios from the live-conformance generator
// (conformance/case_source.h) run on impl and judged by the model under 3.13. Rejections are
// findings about impl or limits of the runner, to triage by hand.

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "adapters/impl/run_scenario.h"
#include "conformance/case_source.h"
#include "format/trace_codec.h"
#include "spec/model/check.h"

int main(int argc, char** argv) {
  using namespace aioconform;
  const std::uint64_t end = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 500;
  const std::uint64_t first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 0;
  // Each case's scenario goes to stderr before it runs, so a crash shows its input.
  const bool verbose = argc > 3;
  const model::profile p = *model::parse_profile("3.13");
  std::map<std::string, int> by_clause;
  int accepted = 0;
  int failed = 0;
  for (std::uint64_t i = first; i < end; ++i) {
    const conformance::live_case c = conformance::make_case(7, i, p).value();
    if (verbose) std::cerr << "case " << i << "\n" << c.document.dump() << std::endl;
    nlohmann::json trace;
    try {
      trace = impl_runtime::run_scenario(c.scenario);
      format::validate_trace(trace, "case " + std::to_string(i));
    } catch (const std::exception& e) {
      ++failed;
      std::cout << "case " << i << ": " << e.what() << "\n";
      continue;
    }
    const model::verdict v = model::check(c.scenario, trace, p);
    if (v.accepted) {
      ++accepted;
      continue;
    }
    if (by_clause[v.clause]++ < 2) {
      std::cout << "case " << i << ": " << v.clause << " " << v.explanation << "\n  "
                << c.document.dump() << "\n";
    }
  }
  std::cout << "accepted " << accepted << " of " << end - first << ", no trace " << failed << "\n";
  for (const auto& [clause, n] : by_clause) std::cout << "  " << clause << ": " << n << "\n";
}
