#pragma once

// draft: the value of a scenario draft (scenario_generators.h, stage 1), a JSON-like tree
// that is immutable and cheap to copy.
//
// RapidCheck copies a generated value at every layer (Shrinkable::value() returns by value,
// gen::apply builds tuples) and computes it again for every shrink; a nlohmann::json copy
// allocates each node again. A draft shares its children: a copy is a reference-count bump,
// and a parent holds its children without copying them. Object keys are string literals
// (the generators' field names), kept as views.

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aioconform::properties {

class draft {
 public:
  using field = std::pair<std::string_view, draft>;

  draft() = default;  ///< null
  draft(std::nullptr_t) {}
  draft(bool b) : kind_(kind::boolean), number_(b ? 1 : 0) {}
  draft(int i) : kind_(kind::integer), number_(i) {}
  draft(const char* s) : draft(std::string(s)) {}
  draft(std::string s);

  /// An array of `items`.
  [[nodiscard]] static draft array(std::vector<draft> items = {});
  [[nodiscard]] static draft array(std::initializer_list<draft> items) {
    return array(std::vector<draft>(items));
  }
  /// An object of `fields`; keys must outlive the draft (string literals) and be unique.
  [[nodiscard]] static draft object(std::initializer_list<field> fields);

  [[nodiscard]] bool is_null() const { return kind_ == kind::null; }
  [[nodiscard]] bool is_array() const { return kind_ == kind::array; }
  /// As nlohmann::json::empty(): null, or an array or object with no elements.
  [[nodiscard]] bool empty() const;
  [[nodiscard]] std::size_t size() const;

  [[nodiscard]] int as_int() const;
  [[nodiscard]] bool as_bool() const;
  [[nodiscard]] const std::string& as_string() const;
  /// Whether this is the string `s`.
  [[nodiscard]] bool is_string(std::string_view s) const;

  /// An array's items.
  [[nodiscard]] const std::vector<draft>& items() const;
  /// Whether an object has `key`.
  [[nodiscard]] bool contains(std::string_view key) const;
  /// An object's field `key`; throws std::out_of_range when missing.
  [[nodiscard]] const draft& at(std::string_view key) const;

  /// The same tree as nlohmann::json (integers as number_integer, as json(int) makes them).
  [[nodiscard]] nlohmann::json to_json() const;

 private:
  enum class kind : unsigned char { null, boolean, integer, string, array, object };
  struct node;

  kind kind_ = kind::null;
  int number_ = 0;                    ///< boolean or integer
  std::shared_ptr<const node> node_;  ///< string, array or object
};

/// Prints the draft as JSON (RapidCheck shows values through this).
void showValue(const draft& value, std::ostream& os);

}  // namespace aioconform::properties
