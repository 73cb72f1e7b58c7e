#include "report/step_summary.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "format/canonical_json.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

std::string child_text(const json& child) {
  if (!child.is_object()) return "?";
  std::string text = "?";
  if (child.contains("script")) text = child["script"].get<std::string>() + "()";
  if (child.contains("task")) text = child["task"].get<std::string>();
  if (child.contains("future")) text = child["future"].get<std::string>();
  if (child.contains("expr")) text = summarize_expression(child["expr"]);
  return text;
}

/// The script a handle's task runs: the `script` of the create_task step or child that
/// binds it (`"as": handle`), searched through the whole document.
std::string script_of_handle(const json& node, std::string_view handle) {
  if (node.is_object()) {
    const auto as = node.find("as");
    if (as != node.end() && as->is_string() && *as == handle && node.contains("script") &&
        node["script"].is_string()) {
      return node["script"].get<std::string>();
    }
  }
  if (node.is_structured()) {
    for (const json& child : node) {
      std::string found = script_of_handle(child, handle);
      if (!found.empty()) return found;
    }
  }
  return "";
}

std::string timeout_text(const json& value) {
  return value.is_null() ? "None" : format::canonical_compact(value);
}

}  // namespace

const json* find_step(const json& scenario, std::string_view task, std::string_view at) {
  const json* steps = nullptr;
  if (task == "main") {
    steps = scenario.contains("main") ? &scenario["main"]["steps"] : nullptr;
  } else {
    // Auto-named tasks are "<script>#<n>"; a handle names the script bound to it.
    std::string script(task.substr(0, task.find('#')));
    const auto scripts = scenario.find("scripts");
    if (scripts != scenario.end() && !scripts->contains(script)) {
      script = script_of_handle(scenario, task);
    }
    if (scripts != scenario.end() && scripts->contains(script)) {
      steps = &(*scripts)[script]["steps"];
    }
  }
  while (steps != nullptr && steps->is_array()) {
    const std::size_t dot = at.find('.');
    std::size_t index = 0;
    try {
      index = std::stoul(std::string(at.substr(0, dot)));
    } catch (const std::exception&) {
      return nullptr;
    }
    if (index >= steps->size()) return nullptr;
    const json& step = (*steps)[index];
    if (dot == std::string_view::npos) return &step;
    at.remove_prefix(dot + 1);
    if (step.contains("steps")) {
      steps = &step["steps"];
    } else if (step.contains("expr") && step["expr"].contains("steps")) {
      steps = &step["expr"]["steps"];
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

std::string summarize_expression(const json& expr) {
  if (!expr.is_object()) return "?";
  const std::string kind = expr.value("kind", "?");
  std::vector<std::string> args;
  if (expr.contains("children")) {
    for (const json& c : expr["children"]) args.push_back(child_text(c));
  }
  if (expr.contains("child")) args.push_back(child_text(expr["child"]));
  if (expr.value("return_exceptions", false)) args.emplace_back("return_exceptions=True");
  if (expr.contains("return_when")) args.push_back(expr["return_when"].get<std::string>());
  if (expr.contains("timeout")) {
    args.push_back((kind == "wait_for" ? "" : "timeout=") + timeout_text(expr["timeout"]));
  }
  if (kind == "task_group") return fmt::format("TaskGroup({})", fmt::join(args, ", "));
  return fmt::format("{}({})", kind, fmt::join(args, ", "));
}

std::string summarize_step(const json& step) {
  const std::string op = step.value("op", "?");
  if (op == "sleep")
    return fmt::format("sleep({})", format::canonical_compact(step.value("d", json(0))));
  if (op == "return") return "return " + format::canonical_compact(step.value("value", json()));
  if (op == "raise") {
    return fmt::format("raise {}({})", step.value("type", "?"),
                       step.value("message", "").empty() ? "" : quoted(step.value("message", "")));
  }
  if (op == "hang") return "await a future that never completes";
  if (op == "create_task") {
    const std::string what = step.contains("script")
                                 ? step["script"].get<std::string>() + "()"
                                 : summarize_expression(step.value("expr", json()));
    return fmt::format("{} = create_task({})", step.value("as", "?"), what);
  }
  if (op == "future") {
    return fmt::format("{} = {}", step.value("as", "?"),
                       summarize_expression(step.value("expr", json())));
  }
  if (op == "cancel") {
    return fmt::format("{}.cancel({})", step.value("target", "?"),
                       step.contains("msg") ? quoted(step.value("msg", "")) : "");
  }
  if (op == "await") {
    return "await " + (step.contains("target") ? step["target"].get<std::string>()
                                               : summarize_expression(step.value("expr", json())));
  }
  if (op == "timeout")
    return fmt::format("async with timeout({})", timeout_text(step.value("d", json())));
  if (op == "event_wait") return fmt::format("await {}.wait()", step.value("event", "?"));
  if (op == "event_set") return fmt::format("{}.set()", step.value("event", "?"));
  if (op == "state") return fmt::format("{}.done()?", step.value("target", "?"));
  return op;
}

std::string summarize_outcome(const json& outcome) {
  if (!outcome.is_object()) return "?";
  if (outcome.contains("result")) return "-> " + format::canonical_compact(outcome["result"]);
  if (outcome.contains("exception")) {
    const json& e = outcome["exception"];
    const std::string message = e.value("message", "");
    std::string text =
        fmt::format("raised {}({})", e.value("type", "?"), message.empty() ? "" : quoted(message));
    if (e.contains("exceptions")) text += fmt::format(" [{} inside]", e["exceptions"].size());
    return text;
  }
  if (outcome.contains("cancelled")) {
    const std::string message = outcome["cancelled"].value("message", "");
    return message.empty() ? "cancelled" : fmt::format("cancelled({})", quoted(message));
  }
  return format::canonical_compact(outcome);
}

std::string clip(std::string text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width <= 3) return text.substr(0, width);
  text.resize(width - 3);
  return text + "...";
}

}  // namespace aioconform::report
