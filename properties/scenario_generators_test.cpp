// The generators reach every part of the scenario language (scenario.md): every step op,
// every expression kind and option, every on_cancel policy, every profile, and both
// supported and unsupported feature sets. A generator that silently stopped producing one
// of them would leave the model's properties vacuous there.

#include "properties/scenario_generators.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "format/canonical_json.h"

namespace aioconform::properties {
namespace {

using json = nlohmann::json;

/// Counts "op:X", "kind:X", options and nesting over a document.
void count(const json& v, std::map<std::string, int>& seen) {
  if (v.is_object()) {
    if (v.contains("op")) {
      const std::string op = v["op"];
      ++seen["op:" + op];
      if (op == "cancel") ++seen[v.contains("msg") ? "cancel:msg" : "cancel:no-msg"];
      if (op == "await") ++seen[v.contains("expr") ? "await:expr" : "await:target"];
      if (op == "create_task")
        ++seen[v.contains("expr") ? "create_task:expr" : "create_task:script"];
      if (v.contains("catch")) ++seen["catch:" + v["catch"].dump()];
      if (op == "timeout") ++seen["timeout:" + v["d"].dump()];
      if (op == "raise") ++seen["raise:" + v["type"].get<std::string>()];
      if (op == "sleep" && v["d"] == 0) ++seen["sleep:0"];
    }
    if (v.contains("kind") && (v.contains("children") || v.contains("child"))) {
      const std::string kind = v["kind"];
      ++seen["kind:" + kind];
      if (v.contains("return_exceptions")) ++seen["gather:re=" + v["return_exceptions"].dump()];
      if (v.contains("return_when")) ++seen["wait:" + v["return_when"].get<std::string>()];
      if (v.contains("form")) ++seen["as_completed:" + v["form"].get<std::string>()];
      if (v.contains("timeout")) {
        ++seen[kind + ":timeout=" +
               (v["timeout"].is_null() ? "null"
                : v["timeout"] == 0    ? "0"
                                       : "n")];
      }
      if (v.contains("children") && v["children"].empty()) ++seen[kind + ":empty"];
      if (v.contains("children")) {
        std::set<std::string> tasks;
        for (const json& c : v["children"]) {
          if (c.contains("task") && !tasks.insert(c["task"]).second) ++seen["children:duplicate"];
        }
      }
    }
    if (v.contains("task") && v.size() == 1) ++seen["child:task"];
    if (v.contains("script") && !v.contains("op")) ++seen["child:script"];
    if (v.contains("expr") && !v.contains("op")) ++seen["child:expr"];
    static const std::set<std::string> policies = {"propagate", "swallow", "cleanup", "raise"};
    if (v.contains("kind") && policies.count(v["kind"].get<std::string>()) != 0) {
      ++seen["on_cancel:" + v["kind"].get<std::string>()];
    }
    for (const auto& [k, e] : v.items()) count(e, seen);
  } else if (v.is_array()) {
    for (const json& e : v) count(e, seen);
  }
}

TEST(scenario_generators, cover_the_scenario_language) {
  const rc::Gen<generated_scenario> gen = gen_scenario();
  std::map<std::string, int> seen;
  const bool dump = std::getenv("AIOCONFORM_DUMP_SCENARIOS") != nullptr;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    const generated_scenario g = gen(rc::Random(seed), 50).value();
    if (dump) std::cout << g.profile.name() << "\n" << format::canonical_document(g.document);
    count(g.document, seen);
    ++seen["profile:" + g.profile.name()];
    ++seen[g.missing.empty() ? "supported" : "unsupported"];
    if (g.document.contains("exceptions")) ++seen["declared-exception"];
  }
  const char* expected[] = {"op:sleep",
                            "sleep:0",
                            "op:return",
                            "op:raise",
                            "op:hang",
                            "op:create_task",
                            "create_task:expr",
                            "create_task:script",
                            "op:future",
                            "op:cancel",
                            "cancel:msg",
                            "cancel:no-msg",
                            "op:await",
                            "await:expr",
                            "await:target",
                            "catch:true",
                            "catch:false",
                            "op:timeout",
                            "timeout:0",
                            "timeout:null",
                            "op:event_wait",
                            "op:event_set",
                            "op:state",
                            "raise:CancelledError",
                            "raise:MyError",
                            "declared-exception",
                            "kind:gather",
                            "gather:re=true",
                            "gather:re=false",
                            "kind:wait",
                            "wait:ALL_COMPLETED",
                            "wait:FIRST_COMPLETED",
                            "wait:FIRST_EXCEPTION",
                            "wait:timeout=n",
                            "wait:empty",
                            "kind:as_completed",
                            "as_completed:for",
                            "as_completed:async_for",
                            "as_completed:timeout=n",
                            "kind:wait_for",
                            "wait_for:timeout=null",
                            "wait_for:timeout=0",
                            "wait_for:timeout=n",
                            "kind:shield",
                            "kind:task_group",
                            "kind:wait_any",
                            "wait_any:timeout=n",
                            "child:task",
                            "child:script",
                            "child:expr",
                            "children:duplicate",
                            "on_cancel:propagate",
                            "on_cancel:swallow",
                            "on_cancel:cleanup",
                            "on_cancel:raise",
                            "profile:3.8",
                            "profile:3.9",
                            "profile:3.10",
                            "profile:3.11",
                            "profile:3.12",
                            "profile:3.13",
                            "profile:3.12-eager",
                            "profile:3.13-eager",
                            "supported",
                            "unsupported"};
  for (const char* key : expected) EXPECT_GT(seen[key], 0) << key << " never generated";
  for (const auto& [key, n] : seen) std::cout << key << ": " << n << "\n";
}

}  // namespace
}  // namespace aioconform::properties
