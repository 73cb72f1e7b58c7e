#pragma once

#include <chrono>
#include <string>
#include <variant>
#include <vector>

namespace aioconform::adapters {

/// What a Python interpreter says about itself when probed.
struct interpreter_info {
  std::string implementation;  // sys.implementation.name: "cpython", "pypy"
  std::string version;         // platform.python_version(): "3.12.1"
  int major = 0;
  int minor = 0;
  bool has_c_asyncio = false;  // `import _asyncio` works: C Task/Future are available
  std::string uvloop_version;  // empty when `import uvloop` fails
};

/// Why probing an interpreter failed.
struct probe_failure {
  std::string reason;
};

using probe_result = std::variant<interpreter_info, probe_failure>;

/// Runs `interpreter -c <tiny script>` once and parses its answer. The script is valid
/// Python 2 too, so that an old interpreter is reported by version rather than as broken.
probe_result probe_interpreter(const std::string& interpreter, std::chrono::milliseconds timeout);

/// Probes every interpreter in parallel, one thread each; results in the order given.
std::vector<probe_result> probe_interpreters(const std::vector<std::string>& interpreters,
                                             std::chrono::milliseconds timeout);

}  // namespace aioconform::adapters
