// aioconform-impl-mutant gh-N: an adapter (docs/adapter-protocol.md) over the reference
// runtime's mutant build (impl/mutant.h) with the bug of CPython issue gh-N on, so that
// `aioconform mutants` runs it like any other runtime. Standard input carries the requests,
// standard output the hello and one answer per request.

#include <algorithm>
#include <exception>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/impl/run_scenario.h"
#include "format/features.h"
#include "format/format_version.h"
#include "format/scenario_codec.h"
#include "impl/mutant.h"

namespace {

using json = nlohmann::json;
constexpr std::string_view protocol = aioconform::format::adapter_protocol;

/// The trace's runtime object without its name: impl's (the trace format has no field for
/// a build variant; aioconform names the runtime "impl+gh-N").
json runtime_object() {
  json runtime = aioconform::impl_runtime::runtime_object();
  runtime.erase("name");
  return runtime;
}

json answer(const json& request) {
  const json id = request.value("id", json());
  try {
    const aioconform::format::scenario sc =
        aioconform::format::parse_scenario(request.at("scenario"), "scenario");
    json trace = aioconform::impl_runtime::run_scenario(sc);
    trace["runtime"] = runtime_object();
    return {{"id", id}, {"status", "ok"}, {"trace", std::move(trace)}};
  } catch (const std::exception& e) {
    return {{"id", id}, {"status", "error"}, {"message", e.what()}};
  }
}

/// The issue number of "gh-N" when the mutant build has that bug, else 0.
int issue_of(const std::string& arg) {
  if (arg.rfind("gh-", 0) != 0) return 0;
  int n = 0;
  try {
    n = std::stoi(arg.substr(3));
  } catch (const std::exception&) {
    return 0;
  }
  const auto& known = aioconform::impl::mutant_issues;
  return std::find(std::begin(known), std::end(known), n) != std::end(known) ? n : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  aioconform::impl::active_mutant = argc == 2 ? issue_of(argv[1]) : 0;
  if (aioconform::impl::active_mutant == 0) {
    std::string known;
    for (int n : aioconform::impl::mutant_issues) {
      known += (known.empty() ? "gh-" : ", gh-") + std::to_string(n);
    }
    std::cout << json{{"protocol", protocol},
                      {"error", "usage: aioconform-impl-mutant gh-N, N one of: " + known}}
                     .dump()
              << std::endl;
    return 2;
  }
  const auto& features = aioconform::format::known_features();
  std::cout << json{{"protocol", protocol},
                    {"runtime", runtime_object()},
                    {"features", std::vector<std::string>(features.begin(), features.end())}}
                   .dump()
            << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    json request;
    try {
      request = json::parse(line);
    } catch (const json::parse_error& e) {
      std::cout << json{{"id", nullptr}, {"status", "error"}, {"message", e.what()}}.dump()
                << std::endl;
      continue;
    }
    if (request.value("quit", false)) break;
    std::cout << answer(request).dump() << std::endl;
  }
  return 0;
}
