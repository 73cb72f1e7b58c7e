#include "format/names.h"

namespace aioconform::format {
namespace {

bool is_ascii_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!is_ascii_letter(name[0]) && name[0] != '_') return false;
  for (char c : name.substr(1)) {
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

bool is_valid_exception_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!is_ascii_letter(name[0]) && name[0] != '_') return false;
  for (char c : name.substr(1)) {
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_') return false;
  }
  return true;
}

bool is_valid_scenario_name(std::string_view name) {
  bool segment_start = true;
  for (char c : name) {
    if (c == '/') {
      if (segment_start) return false;  // empty segment
      segment_start = true;
      continue;
    }
    const bool word = is_ascii_letter(c) || is_ascii_digit(c) || c == '_';
    if (segment_start ? !word : !(word || c == '.' || c == '-')) return false;
    segment_start = false;
  }
  return !segment_start;
}

const std::set<std::string, std::less<>>& builtin_exception_types() {
  static const std::set<std::string, std::less<>> types = {
      "ArithmeticError", "CancelledError", "Exception", "KeyError",   "LookupError",      "OSError",
      "RuntimeError",    "TimeoutError",   "TypeError", "ValueError", "ZeroDivisionError"};
  return types;
}

}  // namespace aioconform::format
