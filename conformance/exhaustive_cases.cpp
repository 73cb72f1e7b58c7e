#include "conformance/exhaustive_cases.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "format/scenario_codec.h"

namespace aioconform::conformance {
namespace {

using json = nlohmann::json;

/// One combinator call with its options, before its children are chosen.
struct variant {
  std::string kind;
  json options;                  ///< the expression's fields besides children/child
  bool single = false;           ///< one child (wait_for, shield)
  bool coroutines_only = false;  ///< TaskGroup takes coroutines only
};

std::vector<variant> variants(const exhaustive_bounds& b) {
  std::vector<json> timeouts = {json(nullptr)};
  for (int t = 0; t < b.instants; ++t) timeouts.emplace_back(t);
  std::vector<variant> out;
  for (bool re : {false, true}) out.push_back({"gather", {{"return_exceptions", re}}});
  for (const char* rw : {"ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"}) {
    for (const json& t : timeouts) out.push_back({"wait", {{"return_when", rw}, {"timeout", t}}});
  }
  for (const json& t : timeouts) out.push_back({"as_completed", {{"timeout", t}}});
  for (const json& t : timeouts) out.push_back({"wait_any", {{"timeout", t}}});
  for (const json& t : timeouts) out.push_back({"wait_for", {{"timeout", t}}, true});
  out.push_back({"shield", json::object(), true});
  out.push_back({"task_group", {{"steps", json::array()}}, false, true});
  return out;
}

/// A child's behaviour: sleep until `instant`, then end `how` (0 result, 1 exception,
/// 2 CancelledError raised by itself); or hang (how 3, no sleep).
int behaviours(const exhaustive_bounds& b) {
  return b.instants * 3 + 1;
}

/// One (variant, children count, form, cancel instant) frame and how many cases it has.
struct frame {
  std::size_t variant = 0;
  int children = 1;
  bool tasks = false;
  int cancel_at = -1;  ///< -1: no cancellation
  std::uint64_t count = 0;
};

std::vector<frame> frames(const exhaustive_bounds& b) {
  const std::vector<variant> vs = variants(b);
  std::vector<frame> out;
  for (std::size_t v = 0; v < vs.size(); ++v) {
    for (int n = 1; n <= (vs[v].single ? 1 : b.children); ++n) {
      for (int form = 0; form < (b.tasks && !vs[v].coroutines_only ? 2 : 1); ++form) {
        for (int c = -1; c < (b.cancel ? b.instants : 0); ++c) {
          std::uint64_t count = 1;
          for (int i = 0; i < n; ++i) count *= static_cast<std::uint64_t>(behaviours(b));
          out.push_back({v, n, form == 1, c, count});
        }
      }
    }
  }
  return out;
}

json child_script(int i, int behaviour, int instants) {
  json steps = json::array();
  if (behaviour == instants * 3) {
    steps.push_back({{"op", "hang"}});
    return {{"steps", steps}};
  }
  const int instant = behaviour / 3;
  const int how = behaviour % 3;
  steps.push_back({{"op", "sleep"}, {"d", instant}});
  if (how == 0) steps.push_back({{"op", "return"}, {"value", i}});
  if (how == 1) {
    steps.push_back(
        {{"op", "raise"}, {"type", "ValueError"}, {"message", "c" + std::to_string(i)}});
  }
  if (how == 2) steps.push_back({{"op", "raise"}, {"type", "CancelledError"}, {"message", ""}});
  return {{"steps", steps}};
}

int parse_int(std::string_view key, std::string_view value, int low, int high) {
  try {
    std::size_t used = 0;
    const int v = std::stoi(std::string(value), &used);
    if (used == value.size() && v >= low && v <= high) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("--exhaustive: " + std::string(key) + ": expected an integer in " +
                              std::to_string(low) + ".." + std::to_string(high) + ", got '" +
                              std::string(value) + "'");
}

}  // namespace

exhaustive_bounds parse_exhaustive_bounds(std::string_view text) {
  if (text == "default") text = default_exhaustive_bounds;
  exhaustive_bounds b;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw std::invalid_argument("--exhaustive: expected KEY=VALUE, got '" + std::string(item) +
                                  "' (keys: children, instants, cancel, tasks)");
    }
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "children") {
      b.children = parse_int(key, value, 1, 3);
    } else if (key == "instants") {
      b.instants = parse_int(key, value, 1, 4);
    } else if (key == "cancel") {
      b.cancel = parse_int(key, value, 0, 1) == 1;
    } else if (key == "tasks") {
      b.tasks = parse_int(key, value, 0, 1) == 1;
    } else {
      throw std::invalid_argument("--exhaustive: unknown key '" + std::string(key) +
                                  "' (keys: children, instants, cancel, tasks)");
    }
  }
  return b;
}

std::uint64_t exhaustive_case_count(const exhaustive_bounds& bounds) {
  std::uint64_t n = 0;
  for (const frame& f : frames(bounds)) n += f.count;
  return n;
}

json exhaustive_case(const exhaustive_bounds& b, std::uint64_t index) {
  const std::vector<variant> vs = variants(b);
  std::uint64_t rest = index;
  for (const frame& f : frames(b)) {
    if (rest >= f.count) {
      rest -= f.count;
      continue;
    }
    const variant& v = vs[f.variant];
    json scripts = json::object();
    json main = json::array();
    json children = json::array();
    for (int i = 0; i < f.children; ++i) {
      const int behaviour = static_cast<int>(rest % static_cast<std::uint64_t>(behaviours(b)));
      rest /= static_cast<std::uint64_t>(behaviours(b));
      const std::string script = "c" + std::to_string(i);
      scripts[script] = child_script(i, behaviour, b.instants);
      if (f.tasks) {
        const std::string handle = "t" + std::to_string(i);
        main.push_back({{"op", "create_task"}, {"script", script}, {"as", handle}});
        children.push_back({{"task", handle}});
      } else {
        children.push_back({{"script", script}, {"as", "t" + std::to_string(i)}});
      }
    }
    json expr = v.options;
    expr["kind"] = v.kind;
    if (v.single) {
      expr["child"] = children[0];
    } else {
      expr["children"] = children;
    }
    if (f.cancel_at < 0) {
      main.push_back({{"op", "await"}, {"expr", expr}, {"catch", true}});
    } else {
      main.push_back({{"op", "create_task"}, {"expr", expr}, {"as", "call"}});
      main.push_back({{"op", "sleep"}, {"d", f.cancel_at}});
      main.push_back({{"op", "cancel"}, {"target", "call"}});
      main.push_back({{"op", "await"}, {"target", "call"}, {"catch", true}});
    }
    json needs = json::array();
    if (v.kind == "task_group") needs.push_back("task_group");
    return {{"format", "aioconform.scenario/1"},
            {"name", "exhaustive/case-" + std::to_string(index)},
            {"description", "A scenario of aioconform check --exhaustive."},
            {"clauses", json::array()},
            {"requires", needs},
            {"scripts", scripts},
            {"main", {{"steps", main}}}};
  }
  throw std::out_of_range("exhaustive case " + std::to_string(index) + " is beyond the bounds (" +
                          std::to_string(exhaustive_case_count(b)) + " cases)");
}

rc::Shrinkable<live_case> make_exhaustive_case(const exhaustive_bounds& bounds,
                                               std::uint64_t index) {
  json doc = exhaustive_case(bounds, index);
  const std::string name = doc["name"];
  format::scenario sc = format::parse_scenario(doc, name);
  return rc::shrinkable::just(live_case{std::move(doc), std::move(sc)});
}

}  // namespace aioconform::conformance
