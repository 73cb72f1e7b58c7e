#include "format/json_path.h"

namespace aioconform::format {

json_path json_path::operator/(std::string_view key) const {
  json_path child = *this;
  child.pointer_.reserve(pointer_.size() + key.size() + 1);
  child.pointer_ += '/';
  for (char c : key) {
    if (c == '~') {
      child.pointer_ += "~0";
    } else if (c == '/') {
      child.pointer_ += "~1";
    } else {
      child.pointer_ += c;
    }
  }
  return child;
}

json_path json_path::operator/(std::size_t index) const {
  json_path child = *this;
  child.pointer_ += '/';
  child.pointer_ += std::to_string(index);
  return child;
}

}  // namespace aioconform::format
