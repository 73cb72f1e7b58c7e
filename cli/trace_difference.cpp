#include "cli/trace_difference.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>

#include "format/canonical_json.h"

namespace aioconform::cli {
namespace {

constexpr std::string_view absent = "(absent)";

std::string_view next_line(std::string_view& text) {
  const auto newline = text.find('\n');
  std::string_view line = text.substr(0, newline);
  text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  return line;
}

std::string encode(const nlohmann::json* value) {
  return value == nullptr ? std::string(absent) : format::canonical_compact(*value);
}

std::optional<behaviour_difference> difference_at(const nlohmann::json* a, const nlohmann::json* b,
                                                  const std::string& where) {
  if (a != nullptr && b != nullptr && *a == *b) return std::nullopt;
  if (a != nullptr && b != nullptr && a->is_object() && b->is_object()) {
    // std::set orders keys by byte, the canonical key order.
    std::set<std::string> keys;
    for (const auto& [key, value] : a->items()) keys.insert(key);
    for (const auto& [key, value] : b->items()) keys.insert(key);
    for (const auto& key : keys) {
      const auto in_a = a->find(key);
      const auto in_b = b->find(key);
      auto found =
          difference_at(in_a == a->end() ? nullptr : &*in_a, in_b == b->end() ? nullptr : &*in_b,
                        where.empty() ? key : where + "." + key);
      if (found) return found;
    }
    return std::nullopt;
  }
  if (a != nullptr && b != nullptr && a->is_array() && b->is_array()) {
    const std::size_t size = std::max(a->size(), b->size());
    for (std::size_t i = 0; i < size; ++i) {
      auto found =
          difference_at(i < a->size() ? &(*a)[i] : nullptr, i < b->size() ? &(*b)[i] : nullptr,
                        fmt::format("{}[{}]", where, i));
      if (found) return found;
    }
    return std::nullopt;
  }
  return behaviour_difference{where, encode(a), encode(b), std::nullopt, std::nullopt};
}

}  // namespace

std::optional<line_difference> first_differing_line(std::string_view golden, std::string_view now) {
  for (std::size_t line = 1; !golden.empty() || !now.empty(); ++line) {
    const bool golden_ended = golden.empty();
    const bool now_ended = now.empty();
    const std::string_view g = next_line(golden);
    const std::string_view n = next_line(now);
    if (golden_ended != now_ended || g != n) {
      return line_difference{line, golden_ended ? "(end of file)" : std::string(g),
                             now_ended ? "(end of file)" : std::string(n)};
    }
  }
  return std::nullopt;
}

std::string describe_line_difference(std::string_view golden, std::string_view now,
                                     std::size_t indent) {
  const auto found = first_differing_line(golden, now);
  if (!found) return "the documents differ only in their final newline";
  auto trimmed = [](const std::string& line) {
    const auto start = line.find_first_not_of(' ');
    return start == std::string::npos ? line : line.substr(start);
  };
  const std::string pad(indent, ' ');
  return fmt::format("first difference at line {}:\n{}golden: {}\n{}now:    {}", found->line, pad,
                     trimmed(found->golden), pad, trimmed(found->now));
}

std::optional<behaviour_difference> first_behaviour_difference(const nlohmann::json& a,
                                                               const nlohmann::json& b) {
  nlohmann::json a_behaviour = a;
  nlohmann::json b_behaviour = b;
  if (a_behaviour.is_object()) a_behaviour.erase("runtime");
  if (b_behaviour.is_object()) b_behaviour.erase("runtime");
  auto found = difference_at(&a_behaviour, &b_behaviour, "");
  if (!found) return std::nullopt;
  for (const char* list : {"events", "reports"}) {
    const std::string prefix = std::string(list) + "[";
    if (!found->where.starts_with(prefix)) continue;
    const std::size_t close = found->where.find(']');
    const std::size_t index = std::stoul(found->where.substr(prefix.size()));
    auto element = [&](const nlohmann::json& trace) -> const nlohmann::json* {
      const auto it = trace.find(list);
      if (it == trace.end() || !it->is_array() || index >= it->size()) return nullptr;
      return &(*it)[index];
    };
    const nlohmann::json* in_a = element(a_behaviour);
    const nlohmann::json* in_b = element(b_behaviour);
    // Two different kinds of event (or events of different tasks) differ as wholes: a
    // field-by-field walk would only report the accident of which key sorts first.
    const bool same_kind = in_a != nullptr && in_b != nullptr && in_a->is_object() &&
                           in_b->is_object() && in_a->value("ev", "") == in_b->value("ev", "") &&
                           in_a->value("task", "") == in_b->value("task", "");
    if (!same_kind) {
      return behaviour_difference{found->where.substr(0, close + 1), encode(in_a), encode(in_b),
                                  std::nullopt, std::nullopt};
    }
    found->element_a = encode(in_a);
    found->element_b = encode(in_b);
  }
  return found;
}

std::string describe_behaviour_difference(const behaviour_difference& found,
                                          const std::string& label_a, const std::string& label_b,
                                          std::size_t indent) {
  const std::string pad(indent, ' ');
  const std::string inner(indent + 2, ' ');
  const std::size_t width = std::max(label_a.size(), label_b.size()) + 1;
  std::string text =
      fmt::format("first difference at {}:\n{}{:<{}} {}\n{}{:<{}} {}", found.where, inner,
                  label_a + ":", width, found.a, inner, label_b + ":", width, found.b);
  if (found.element_a) {
    text +=
        fmt::format("\n{}in the {}:\n{}{:<{}} {}\n{}{:<{}} {}", pad,
                    found.where.starts_with("events") ? "event" : "report", inner, label_a + ":",
                    width, *found.element_a, inner, label_b + ":", width, *found.element_b);
  }
  return text;
}

std::string describe_golden_difference(std::string_view golden_text, const nlohmann::json& now,
                                       std::string_view now_text, std::size_t indent) {
  const nlohmann::json golden = nlohmann::json::parse(golden_text, nullptr, false);
  if (golden.is_discarded() || !golden.is_object() || !now.is_object()) {
    return describe_line_difference(golden_text, now_text, indent);
  }
  const std::string pad(indent, ' ');
  std::string text;
  const auto golden_runtime = golden.value("runtime", nlohmann::json::object());
  const auto now_runtime = now.value("runtime", nlohmann::json::object());
  if (golden_runtime != now_runtime) {
    text = fmt::format(
        "the runtime itself changed since the golden was recorded:\n{}  golden: {}\n{}  now:    "
        "{}\n{}",
        pad, format::canonical_compact(golden_runtime), pad, format::canonical_compact(now_runtime),
        pad);
  }
  if (const auto found = first_behaviour_difference(golden, now)) {
    return text + describe_behaviour_difference(*found, "golden", "now", indent);
  }
  return text +
         "the behaviour is the same; only the runtime's identity differs (re-record with "
         "--update if this runtime is the one to keep goldens for)";
}

}  // namespace aioconform::cli
