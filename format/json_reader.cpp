#include "format/json_reader.h"

#include <fmt/format.h>

#include <limits>

#include "format/format_error.h"
#include "format/utf8.h"

namespace aioconform::format {

using json = nlohmann::json;

void json_reader::fail(const json_path& at, std::string reason) const {
  throw format_error(file_, at.str(), std::move(reason));
}

std::string_view json_reader::type_name(const json& node) {
  if (node.is_number_float()) return "float";
  if (node.is_number()) return "integer";
  if (node.is_boolean()) return "boolean";
  return node.type_name();
}

const json& json_reader::object(const json& node, const json_path& at) const {
  if (!node.is_object()) fail(at, fmt::format("expected an object, found {}", type_name(node)));
  return node;
}

const json& json_reader::object(const json& node, const json_path& at,
                                std::initializer_list<std::string_view> allowed) const {
  object(node, at);
  for (const auto& [key, member] : node.items()) {
    bool known = false;
    for (std::string_view k : allowed) known = known || k == key;
    if (!known) {
      fail(at / key, fmt::format("unknown key '{}' (expected one of: {})", printable_utf8(key),
                                 fmt::join(allowed, ", ")));
    }
  }
  return node;
}

const json& json_reader::array(const json& node, const json_path& at) const {
  if (!node.is_array()) fail(at, fmt::format("expected an array, found {}", type_name(node)));
  return node;
}

const std::string& json_reader::string(const json& node, const json_path& at) const {
  if (!node.is_string()) fail(at, fmt::format("expected a string, found {}", type_name(node)));
  return node.get_ref<const std::string&>();
}

bool json_reader::boolean(const json& node, const json_path& at) const {
  if (!node.is_boolean()) fail(at, fmt::format("expected a boolean, found {}", type_name(node)));
  return node.get<bool>();
}

std::int64_t json_reader::integer(const json& node, const json_path& at, std::int64_t min,
                                  std::int64_t max) const {
  const auto out_of_range = [&] {
    fail(at, fmt::format("expected integer {}..{}, found {}", min, max,
                         node.is_number() ? printable_utf8(node.dump()) : type_name(node)));
  };
  if (!node.is_number_integer()) out_of_range();
  if (node.is_number_unsigned() &&
      node.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    out_of_range();
  }
  const auto value = node.get<std::int64_t>();
  if (value < min || value > max) out_of_range();
  return value;
}

std::string json_reader::unknown(std::string_view what, std::string_view found,
                                 std::span<const std::string_view> expected) {
  return fmt::format("unknown {} '{}' (expected one of: {})", what, printable_utf8(found),
                     fmt::join(expected, ", "));
}

void json_reader::expect_format(const json& doc, std::string_view expected) const {
  const json_path at = json_path() / "format";
  const json* format = optional(doc, "format");
  if (format == nullptr) {
    fail(at, fmt::format("missing required key 'format' (expected '{}')", expected));
  }
  if (!format->is_string()) {
    fail(at,
         fmt::format("expected format '{}', found {}", expected, printable_utf8(format->dump())));
  }
  const auto& found = format->get_ref<const std::string&>();
  if (found != expected) {
    fail(at, fmt::format("expected format '{}', found '{}'", expected, printable_utf8(found)));
  }
}

const json& json_reader::required(const json& node, const json_path& at,
                                  std::string_view key) const {
  const json* member = optional(node, key);
  if (member == nullptr) fail(at / key, fmt::format("missing required key '{}'", key));
  return *member;
}

const json* json_reader::optional(const json& node, std::string_view key) {
  const auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

}  // namespace aioconform::format
