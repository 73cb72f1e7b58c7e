#include "format/canonical_json.h"

namespace aioconform::format {

std::string canonical_compact(const nlohmann::json& value) {
  // nlohmann::json keeps objects in a std::map<std::string, ...>: keys come out sorted by
  // byte, which for UTF-8 is code point order.
  return value.dump(-1, ' ', false);
}

std::string canonical_document(const nlohmann::json& document) {
  if (!document.is_object() || document.empty()) return canonical_compact(document) + "\n";
  std::string out = "{\n";
  bool first_member = true;
  for (const auto& [key, value] : document.items()) {
    if (!first_member) out += ",\n";
    first_member = false;
    out += "  " + canonical_compact(key) + ": ";
    if (value.is_array() && !value.empty()) {
      out += "[\n";
      bool first = true;
      for (const auto& element : value) {
        out += first ? "    " : ",\n    ";
        first = false;
        out += canonical_compact(element);
      }
      out += "\n  ]";
    } else if (value.is_object() && !value.empty()) {
      out += "{\n";
      bool first = true;
      for (const auto& [inner_key, inner_value] : value.items()) {
        out += first ? "    " : ",\n    ";
        first = false;
        out += canonical_compact(inner_key) + ": " + canonical_compact(inner_value);
      }
      out += "\n  }";
    } else {
      out += canonical_compact(value);
    }
  }
  out += "\n}\n";
  return out;
}

}  // namespace aioconform::format
