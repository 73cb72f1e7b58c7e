#include "adapters/runtime_config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <set>
#include <stdexcept>

#include "adapters/command_line.h"
#include "format/format_error.h"
#include "format/json_file.h"
#include "format/json_path.h"

namespace aioconform::adapters {
namespace {

namespace fs = std::filesystem;
using format::format_error;
using format::json_path;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '+' || c == '-';
}

const char* type_name(const nlohmann::json& value) {
  return value.type_name();
}

// Reads one configuration object; `file` and the paths make every error point at its key.
class config_reader {
 public:
  explicit config_reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const json_path& path, std::string reason) const {
    throw format_error(file_, path.str(), std::move(reason));
  }

  void expect_keys(const nlohmann::json& object, const json_path& path,
                   const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : object.items()) {
      if (!allowed.contains(key)) {
        fail(path / key, fmt::format("unknown key; expected one of: {}", fmt::join(allowed, ", ")));
      }
    }
  }

  const nlohmann::json& member(const nlohmann::json& object, const json_path& path,
                               const std::string& key) const {
    const auto found = object.find(key);
    if (found == object.end()) fail(path / key, "is required");
    return *found;
  }

  std::string string(const nlohmann::json& value, const json_path& path) const {
    if (!value.is_string()) fail(path, fmt::format("must be a string, not {}", type_name(value)));
    return value.get<std::string>();
  }

 private:
  const std::string& file_;
};

runtime_spec parse_entry(const config_reader& reader, const nlohmann::json& entry,
                         const json_path& path, const std::string& file) {
  if (!entry.is_object()) {
    reader.fail(path, fmt::format("must be an object, not {}", type_name(entry)));
  }
  reader.expect_keys(entry, path, {"name", "command", "env", "description"});
  runtime_spec runtime;
  runtime.name = reader.string(reader.member(entry, path, "name"), path / "name");
  if (!is_valid_runtime_name(runtime.name)) {
    reader.fail(path / "name", fmt::format("'{}' is not a valid runtime name "
                                           "([A-Za-z0-9_][A-Za-z0-9_.+-]{{0,63}})",
                                           runtime.name));
  }
  const auto& command = reader.member(entry, path, "command");
  if (!command.is_array() || command.empty()) {
    reader.fail(path / "command", "must be a non-empty array of strings (argv)");
  }
  for (std::size_t i = 0; i < command.size(); ++i) {
    runtime.command.push_back(reader.string(command[i], path / "command" / i));
    if (runtime.command.back().empty()) reader.fail(path / "command" / i, "must not be empty");
  }
  if (const auto env = entry.find("env"); env != entry.end()) {
    if (!env->is_object()) {
      reader.fail(path / "env",
                  fmt::format("must be an object of strings, not {}", type_name(*env)));
    }
    for (const auto& [key, value] : env->items()) {
      if (key.empty() || key.find('=') != std::string::npos) {
        reader.fail(path / "env" / key, "is not a valid environment variable name");
      }
      runtime.env[key] = reader.string(value, path / "env" / key);
    }
  }
  runtime.description = fmt::format("config {}", file);
  if (const auto description = entry.find("description"); description != entry.end()) {
    runtime.description = reader.string(*description, path / "description");
  }
  runtime.interpreter = runtime.command.front();
  runtime.source = "config";
  return runtime;
}

}  // namespace

bool is_valid_runtime_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.' || name.front() == '+' ||
      name.front() == '-') {
    return false;
  }
  for (const char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::vector<runtime_spec> parse_runtime_config(const nlohmann::json& document,
                                               const std::string& file) {
  const config_reader reader(file);
  const json_path root;
  if (!document.is_object()) {
    reader.fail(root, fmt::format("must be an object, not {}", type_name(document)));
  }
  reader.expect_keys(document, root, {"format", "runtimes"});
  const std::string format =
      reader.string(reader.member(document, root, "format"), root / "format");
  if (format != runtime_config_format) {
    reader.fail(root / "format",
                fmt::format("is '{}'; expected '{}'", format, runtime_config_format));
  }
  const auto& entries = reader.member(document, root, "runtimes");
  if (!entries.is_array()) {
    reader.fail(root / "runtimes", fmt::format("must be an array, not {}", type_name(entries)));
  }
  std::vector<runtime_spec> runtimes;
  std::set<std::string> names;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json_path path = root / "runtimes" / i;
    runtimes.push_back(parse_entry(reader, entries[i], path, file));
    if (!names.insert(runtimes.back().name).second) {
      reader.fail(path / "name",
                  fmt::format("runtime '{}' is defined twice", runtimes.back().name));
    }
  }
  return runtimes;
}

std::vector<runtime_spec> load_runtime_config(const fs::path& path) {
  return parse_runtime_config(format::load_json_file(path), path.string());
}

std::optional<fs::path> default_runtime_config_path() {
  std::error_code ec;
  const fs::path local = "aioconform-runtimes.json";
  if (fs::is_regular_file(local, ec)) return local;
  fs::path config_home;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    config_home = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    config_home = fs::path(home) / ".config";
  } else {
    return std::nullopt;
  }
  const fs::path user = config_home / "aioconform" / "runtimes.json";
  if (fs::is_regular_file(user, ec)) return user;
  return std::nullopt;
}

runtime_spec runtime_from_command(std::string_view command_line, std::string name) {
  if (!is_valid_runtime_name(name)) {
    throw std::invalid_argument(fmt::format(
        "'{}' is not a valid runtime name ([A-Za-z0-9_][A-Za-z0-9_.+-]{{0,63}})", name));
  }
  runtime_spec runtime;
  runtime.command = split_command_line(command_line);
  if (runtime.command.empty()) throw command_line_error("the runtime command is empty");
  runtime.name = std::move(name);
  runtime.interpreter = runtime.command.front();
  runtime.source = "--runtime-cmd";
  runtime.description = fmt::format("--runtime-cmd {}", join_command_line(runtime.command));
  return runtime;
}

}  // namespace aioconform::adapters
