#include "format/json_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>
#include <vector>

#include "format/format_error.h"
#include "format/json_path.h"
#include "format/utf8.h"

namespace aioconform::format {
namespace {

using json = nlohmann::json;

/// Builds the DOM like nlohmann's own parser, but rejects duplicate keys and excessive
/// nesting, naming the JSON path of the offending member.
class strict_dom_builder : public nlohmann::json_sax<json> {
 public:
  explicit strict_dom_builder(const std::string& origin) : origin_(origin) {}

  json take() { return std::move(root_); }

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool value) override { return add(json(value)); }
  bool number_integer(number_integer_t value) override { return add(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return add(json(value)); }
  bool string(string_t& value) override { return add(json(std::move(value))); }
  bool binary(binary_t& value) override { return add(json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& value) override {
    frame& top = stack_.back();
    if (top.container->contains(value)) {
      throw format_error(origin_, (container_path() / value).str(),
                         fmt::format("duplicate key '{}'", printable_utf8(value)));
    }
    top.key = std::move(value);
    return true;
  }

  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line L, column C:
    // syntax error while parsing value - ...". Keep from "line" on.
    std::string message = error.what();
    const std::size_t at = message.find("at line ");
    message = at == std::string::npos ? message : message.substr(at + 3);
    throw format_error(origin_, "", "invalid JSON at " + printable_utf8(message));
  }

 private:
  struct frame {
    json* container;
    std::string key;  // the key of the member being read, when container is an object
  };

  /// The path of the innermost open container.
  json_path container_path() const {
    json_path at;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
      const frame& f = stack_[i];
      // The next frame's container is the member being read: the last element of an array.
      at = f.container->is_object() ? at / f.key : at / (f.container->size() - 1);
    }
    return at;
  }

  /// The path of the value about to be added.
  json_path path() const {
    if (stack_.empty()) return {};
    const frame& top = stack_.back();
    return top.container->is_object() ? container_path() / top.key
                                      : container_path() / top.container->size();
  }

  /// Stores `value` where the next value goes; returns where it now lives.
  json* place(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& container = *stack_.back().container;
    if (container.is_object()) return &(container[stack_.back().key] = std::move(value));
    container.push_back(std::move(value));
    return &container.back();
  }

  bool add(json value) {
    place(std::move(value));
    return true;
  }

  bool open(json empty) {
    if (stack_.size() >= max_json_nesting) {
      throw format_error(origin_, path().str(),
                         fmt::format("nesting deeper than {} levels", max_json_nesting));
    }
    stack_.push_back(frame{place(std::move(empty)), {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  const std::string& origin_;
  json root_;
  std::vector<frame> stack_;
};

}  // namespace

json parse_json_text(std::string_view text, const std::string& origin) {
  strict_dom_builder builder(origin);
  json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true, false);
  return builder.take();
}

json load_json_file(const std::filesystem::path& path) {
  const std::string origin = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw format_error(origin, "", "cannot read file: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw format_error(origin, "", fmt::format("cannot read file: {}", std::strerror(errno)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    throw format_error(origin, "", "cannot read file: read error");
  }
  return parse_json_text(content.view(), origin);
}

}  // namespace aioconform::format
