#include "adapters/interpreter_probe.h"

#include <fmt/format.h>

#include <future>
#include <nlohmann/json.hpp>

#include "adapters/subprocess.h"

namespace aioconform::adapters {
namespace {

// Importing uvloop (not just finding it) matters: a distribution may ship it for one
// interpreter where another on the same machine finds the package but cannot load it.
constexpr const char* probe_script = R"(import sys, platform, json
impl = getattr(sys, "implementation", None)
try:
    import _asyncio
    c_asyncio = True
except Exception:
    c_asyncio = False
try:
    import uvloop
    uv = str(getattr(uvloop, "__version__", "unknown"))
except Exception:
    uv = ""
sys.stdout.write(json.dumps({"implementation": impl.name if impl else platform.python_implementation().lower(),
    "version": platform.python_version(), "major": sys.version_info[0], "minor": sys.version_info[1],
    "c_asyncio": c_asyncio, "uvloop": uv}) + "\n")
)";

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  const auto last = text.rfind('\n');
  return std::string(last == std::string_view::npos ? text : text.substr(last + 1));
}

}  // namespace

probe_result probe_interpreter(const std::string& interpreter, std::chrono::milliseconds timeout) {
  try {
    subprocess child(subprocess_options{.argv = {interpreter, "-c", probe_script},
                                        .env = {{"PYTHONIOENCODING", "utf-8"}},
                                        .kill_grace = std::chrono::milliseconds{100}});
    child.close_stdin();
    const auto read = child.read_line(timeout);
    if (read.status == subprocess::read_status::timeout) {
      return probe_failure{fmt::format("no answer to the probe within {} ms", timeout.count())};
    }
    if (read.status != subprocess::read_status::line) {
      const auto status = child.wait_exit(std::chrono::milliseconds{500});
      const std::string why = last_line(child.stderr_tail(std::chrono::milliseconds{200}));
      return probe_failure{fmt::format("the probe {}{}{}",
                                       status ? status->describe() : "wrote nothing",
                                       why.empty() ? "" : ": ", why)};
    }
    const auto answer = nlohmann::json::parse(read.line, nullptr, false);
    if (!answer.is_object()) {
      return probe_failure{fmt::format("the probe answered garbage: {}", read.line.substr(0, 200))};
    }
    interpreter_info info;
    info.implementation = answer.value("implementation", "");
    info.version = answer.value("version", "");
    info.major = answer.value("major", 0);
    info.minor = answer.value("minor", 0);
    info.has_c_asyncio = answer.value("c_asyncio", false);
    info.uvloop_version = answer.value("uvloop", "");
    return info;
  } catch (const std::exception& e) {
    return probe_failure{e.what()};
  }
}

std::vector<probe_result> probe_interpreters(const std::vector<std::string>& interpreters,
                                             std::chrono::milliseconds timeout) {
  std::vector<std::future<probe_result>> pending;
  pending.reserve(interpreters.size());
  for (const auto& interpreter : interpreters) {
    pending.push_back(std::async(std::launch::async, [&interpreter, timeout] {
      return probe_interpreter(interpreter, timeout);
    }));
  }
  std::vector<probe_result> results;
  results.reserve(pending.size());
  for (auto& result : pending) results.push_back(result.get());
  return results;
}

}  // namespace aioconform::adapters
