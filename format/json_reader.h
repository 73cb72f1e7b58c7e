#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "format/json_path.h"

namespace aioconform::format {

/// Checks a JSON document node by node for a codec. Every check either returns the node's
/// content or throws format_error naming the file, the node's JSON path and what was
/// expected ("expected a string, found number").
class json_reader {
 public:
  explicit json_reader(std::string file) : file_(std::move(file)) {}

  [[nodiscard]] const std::string& file() const { return file_; }

  /// Throws format_error(file, at, reason).
  [[noreturn]] void fail(const json_path& at, std::string reason) const;

  /// `node` as an object; with `allowed` keys only (an unknown key fails at its own path:
  /// "unknown key 'x' (expected one of: a, b)").
  const nlohmann::json& object(const nlohmann::json& node, const json_path& at) const;
  const nlohmann::json& object(const nlohmann::json& node, const json_path& at,
                               std::initializer_list<std::string_view> allowed) const;
  const nlohmann::json& array(const nlohmann::json& node, const json_path& at) const;
  const std::string& string(const nlohmann::json& node, const json_path& at) const;
  bool boolean(const nlohmann::json& node, const json_path& at) const;
  /// An integer in [min, max]; anything else fails with "expected integer MIN..MAX".
  std::int64_t integer(const nlohmann::json& node, const json_path& at, std::int64_t min,
                       std::int64_t max) const;

  /// Checks that object `doc` (a document's root) has `"format": expected`; fails at
  /// `/format` naming the expected format and the one found.
  void expect_format(const nlohmann::json& doc, std::string_view expected) const;

  /// The member `key` of object `node` at `at`; fails at `at/key` when it is missing.
  const nlohmann::json& required(const nlohmann::json& node, const json_path& at,
                                 std::string_view key) const;
  /// The member `key` of object `node`, or nullptr when it is absent.
  static const nlohmann::json* optional(const nlohmann::json& node, std::string_view key);

  /// The message "unknown WHAT 'found' (expected one of: a, b)".
  static std::string unknown(std::string_view what, std::string_view found,
                             std::span<const std::string_view> expected);

  /// "string", "integer", "float", "object", ... as messages name JSON types.
  static std::string_view type_name(const nlohmann::json& node);

 private:
  std::string file_;
};

}  // namespace aioconform::format
