#include "properties/draft.h"

#include <ostream>
#include <stdexcept>

namespace aioconform::properties {

/// One shared string, array or object; the unused members stay empty.
struct draft::node {
  std::string text;
  std::vector<draft> items;
  std::vector<field> fields;
};

draft::draft(std::string s) : kind_(kind::string) {
  auto n = std::make_shared<node>();
  n->text = std::move(s);
  node_ = std::move(n);
}

draft draft::array(std::vector<draft> items) {
  auto n = std::make_shared<node>();
  n->items = std::move(items);
  draft d;
  d.kind_ = kind::array;
  d.node_ = std::move(n);
  return d;
}

draft draft::object(std::initializer_list<field> fields) {
  auto n = std::make_shared<node>();
  n->fields.assign(fields.begin(), fields.end());
  draft d;
  d.kind_ = kind::object;
  d.node_ = std::move(n);
  return d;
}

bool draft::empty() const {
  switch (kind_) {
    case kind::null:
      return true;
    case kind::array:
      return node_->items.empty();
    case kind::object:
      return node_->fields.empty();
    default:
      return false;
  }
}

std::size_t draft::size() const {
  switch (kind_) {
    case kind::null:
      return 0;
    case kind::array:
      return node_->items.size();
    case kind::object:
      return node_->fields.size();
    default:
      return 1;
  }
}

int draft::as_int() const {
  if (kind_ != kind::integer) throw std::logic_error("draft: not an integer");
  return number_;
}

bool draft::as_bool() const {
  if (kind_ != kind::boolean) throw std::logic_error("draft: not a boolean");
  return number_ != 0;
}

const std::string& draft::as_string() const {
  if (kind_ != kind::string) throw std::logic_error("draft: not a string");
  return node_->text;
}

bool draft::is_string(std::string_view s) const {
  return kind_ == kind::string && node_->text == s;
}

const std::vector<draft>& draft::items() const {
  if (kind_ != kind::array) throw std::logic_error("draft: not an array");
  return node_->items;
}

bool draft::contains(std::string_view key) const {
  if (kind_ != kind::object) return false;
  for (const field& f : node_->fields) {
    if (f.first == key) return true;
  }
  return false;
}

const draft& draft::at(std::string_view key) const {
  if (kind_ == kind::object) {
    for (const field& f : node_->fields) {
      if (f.first == key) return f.second;
    }
  }
  throw std::out_of_range("draft: no field " + std::string(key));
}

nlohmann::json draft::to_json() const {
  switch (kind_) {
    case kind::null:
      return nullptr;
    case kind::boolean:
      return number_ != 0;
    case kind::integer:
      return number_;
    case kind::string:
      return node_->text;
    case kind::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const draft& d : node_->items) out.push_back(d.to_json());
      return out;
    }
    case kind::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const field& f : node_->fields) out[std::string(f.first)] = f.second.to_json();
      return out;
    }
  }
  throw std::logic_error("draft: bad kind");
}

void showValue(const draft& value, std::ostream& os) {
  os << value.to_json().dump();
}

}  // namespace aioconform::properties
