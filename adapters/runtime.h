#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aioconform::adapters {

/// One runtime aioconform can run scenarios on: an adapter command line and what it stands
/// for. Discovered interpreters, config-file entries and --runtime-cmd all produce one.
struct runtime_spec {
  std::string name;                  // "cpython-3.12-eager"; a directory name under golden/traces/
  std::vector<std::string> command;  // argv that starts the adapter
  std::map<std::string, std::string> env;  // set on top of aioconform's own environment
  std::string interpreter;     // the interpreter's path as found; empty for custom commands
  std::string implementation;  // "cpython", "pypy"; empty when unknown (custom commands)
  std::string version;         // "3.12.1"; empty when unknown
  std::vector<std::string>
      options;              // the adapter options that make this runtime, e.g. "--tasks python"
  std::string source;       // "PATH", "pyenv", "config", "--runtime-cmd"
  std::string description;  // where it came from, for people: "pyenv 3.12.1", a config file
  std::optional<std::string> shadowed_by;  // set when an earlier runtime of the same name wins
};

}  // namespace aioconform::adapters
