#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aioconform::format {

/// A location inside a JSON document, spelled as a JSON Pointer (RFC 6901):
/// `""` is the root, `/main/steps/3` is element 3 of the `steps` member of `main`.
/// Keys containing `~` or `/` are escaped as `~0` and `~1`.
class json_path {
 public:
  /// The root of the document.
  json_path() = default;

  /// The member `key` of the object at this path.
  [[nodiscard]] json_path operator/(std::string_view key) const;
  /// The element `index` of the array at this path.
  [[nodiscard]] json_path operator/(std::size_t index) const;

  /// The JSON Pointer text.
  [[nodiscard]] const std::string& str() const { return pointer_; }
  [[nodiscard]] bool is_root() const { return pointer_.empty(); }

  friend bool operator==(const json_path&, const json_path&) = default;

 private:
  std::string pointer_;
};

}  // namespace aioconform::format
