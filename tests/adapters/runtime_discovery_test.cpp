#include "adapters/runtime_discovery.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "tests/fakes/fakes.h"

namespace aioconform::adapters {
namespace {

using namespace std::chrono_literals;
using aioconform::testing::temp_directory;
using aioconform::testing::write_script;
namespace fs = std::filesystem;

// A fake interpreter: a shell script that answers the probe whatever it is asked.
void fake_interpreter(const fs::path& path, const std::string& implementation,
                      const std::string& version, bool c_asyncio, const std::string& uvloop) {
  const int major = std::stoi(version.substr(0, version.find('.')));
  const auto rest = version.substr(version.find('.') + 1);
  const int minor = std::stoi(rest.substr(0, rest.find('.')));
  write_script(path, "echo '{\"implementation\": \"" + implementation + "\", \"version\": \"" +
                         version + "\", \"major\": " + std::to_string(major) +
                         ", \"minor\": " + std::to_string(minor) + ", \"c_asyncio\": " +
                         (c_asyncio ? "true" : "false") + ", \"uvloop\": \"" + uvloop + "\"}'");
}

// A machine like the one aioconform is developed on: pyenv shims first on PATH, then a
// system python3 with uvloop, then PyPy, then broken interpreters.
class discovery : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path pyenv = dir / "pyenv";
    // Running a shim would leave this marker: discovery must never do it.
    write_script(pyenv / "shims" / "python3", "touch '" + (dir / "shim-ran").string() + "'");
    fake_interpreter(pyenv / "versions/3.8.18/bin/python3", "cpython", "3.8.18", true, "");
    fake_interpreter(pyenv / "versions/3.11.7/bin/python3", "cpython", "3.11.7", true, "");
    fake_interpreter(pyenv / "versions/3.12.1/bin/python3", "cpython", "3.12.1", true, "");
    fake_interpreter(pyenv / "versions/2.7.18/bin/python", "cpython", "2.7.18", true, "");
    fake_interpreter(dir / "system/python3", "cpython", "3.11.2", true, "0.17.0");
    fs::create_symlink(dir / "system/python3", dir / "system/python3.11");
    fs::create_directories(dir / "pypy");
    fake_interpreter(dir / "pypy/pypy3", "pypy", "3.9.16", false, "");
    fs::create_symlink(dir / "system/python3", dir / "pypy/python3");  // same binary again
    write_script(dir / "broken/python3", "exec sleep 30");
    write_script(dir / "broken/python3.13", "echo 'ImportError: no json' >&2; exit 1");
    options.path = (pyenv / "shims").string() + "::" + (dir / "system").string() + ":" +
                   (dir / "pypy").string() + ":" + (dir / "broken").string() + ":" +
                   (dir / "does-not-exist").string();
    options.pyenv_root = pyenv.string();
    options.adapter_script = "/src/adapters/python/aioconform_adapter.py";
    options.probe_timeout = 500ms;
  }

  temp_directory dir;
  discovery_options options;
};

std::vector<std::string> names(const std::vector<runtime_spec>& runtimes) {
  std::vector<std::string> out;
  for (const auto& runtime : runtimes) out.push_back(runtime.name);
  return out;
}

const runtime_spec& named(const std::vector<runtime_spec>& runtimes, const std::string& name) {
  const auto found = std::find_if(runtimes.begin(), runtimes.end(),
                                  [&](const auto& runtime) { return runtime.name == name; });
  if (found == runtimes.end()) throw std::runtime_error("no runtime " + name);
  return *found;
}

TEST_F(discovery, finds_interpreters_in_path_order_one_per_real_path) {
  const auto found = find_interpreters(options);
  std::vector<std::string> paths;
  for (const auto& candidate : found) paths.push_back(candidate.path);
  const fs::path pyenv = dir / "pyenv/versions";
  EXPECT_EQ(paths, (std::vector<std::string>{
                       (pyenv / "3.12.1/bin/python3").string(),
                       (pyenv / "3.11.7/bin/python3").string(),
                       (pyenv / "3.8.18/bin/python3").string(),
                       (pyenv / "2.7.18/bin/python").string(),
                       (dir / "system/python3").string(),
                       (dir / "pypy/pypy3").string(),
                       (dir / "broken/python3").string(),
                       (dir / "broken/python3.13").string(),
                   }));
  EXPECT_EQ(found.front().source, "pyenv");
  EXPECT_EQ(found.front().description, "pyenv 3.12.1");
  EXPECT_EQ(found[4].source, "PATH");
}

TEST_F(discovery, recognises_pyenv_shims_without_pyenv_root) {
  options.pyenv_root.clear();  // a shims directory next to versions/ is still pyenv's
  const auto found = find_interpreters(options);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front().source, "pyenv");
}

TEST_F(discovery, finds_pyenv_versions_after_path_when_its_shims_are_not_on_path) {
  // A non-interactive shell that never ran `pyenv init`: PATH lacks the shims.
  options.path = (dir / "system").string();
  const auto found = find_interpreters(options);
  std::vector<std::string> paths;
  for (const auto& candidate : found) paths.push_back(candidate.path);
  const fs::path pyenv = dir / "pyenv/versions";
  EXPECT_EQ(paths, (std::vector<std::string>{
                       (dir / "system/python3").string(),
                       (pyenv / "3.12.1/bin/python3").string(),
                       (pyenv / "3.11.7/bin/python3").string(),
                       (pyenv / "3.8.18/bin/python3").string(),
                       (pyenv / "2.7.18/bin/python").string(),
                   }));
  // so the system 3.11 is cpython-3.11, and pyenv's 3.11.7 is shadowed by it
  const auto result = discover_runtimes(options);
  EXPECT_EQ(named(result.runtimes, "cpython-3.11").command.front(),
            (dir / "system/python3").string());
  EXPECT_EQ(named(result.runtimes, "cpython-3.12").command.front(),
            (pyenv / "3.12.1/bin/python3").string());
}

TEST_F(discovery, names_runtimes_and_lets_the_first_on_path_win) {
  const auto found = discover_runtimes(options);
  EXPECT_EQ(names(found.runtimes),
            (std::vector<std::string>{"cpython-3.8", "cpython-3.8-pytasks", "cpython-3.11",
                                      "cpython-3.11-pytasks", "cpython-3.12", "cpython-3.12-eager",
                                      "cpython-3.12-pytasks", "pypy-3.9", "uvloop-3.11"}));
  EXPECT_FALSE(fs::exists(dir / "shim-ran"));

  const auto& c311 = named(found.runtimes, "cpython-3.11");
  EXPECT_EQ(c311.version, "3.11.7");
  EXPECT_EQ(c311.source, "pyenv");
  EXPECT_EQ(c311.command, (std::vector<std::string>{c311.interpreter, options.adapter_script}));

  const auto& eager = named(found.runtimes, "cpython-3.12-eager");
  EXPECT_EQ(eager.options, (std::vector<std::string>{"--task-factory", "eager"}));
  EXPECT_EQ(named(found.runtimes, "cpython-3.8-pytasks").options,
            (std::vector<std::string>{"--tasks", "python"}));
  // PyPy has no _asyncio: its only tasks are the pure-Python ones.
  EXPECT_EQ(named(found.runtimes, "pypy-3.9").options,
            (std::vector<std::string>{"--tasks", "python"}));
  const auto& uvloop = named(found.runtimes, "uvloop-3.11");
  EXPECT_EQ(uvloop.version, "3.11.2");
  EXPECT_EQ(uvloop.source, "PATH");
  EXPECT_EQ(uvloop.command, (std::vector<std::string>{(dir / "system/python3").string(),
                                                      options.adapter_script, "--loop", "uvloop"}));

  // The system 3.11 comes after pyenv's on PATH: its cpython-3.11 runtimes are shadowed.
  EXPECT_EQ(names(found.shadowed),
            (std::vector<std::string>{"cpython-3.11", "cpython-3.11-pytasks"}));
  for (const auto& runtime : found.shadowed) {
    EXPECT_EQ(runtime.version, "3.11.2");
    EXPECT_EQ(runtime.shadowed_by, (dir / "pyenv/versions/3.11.7/bin/python3").string());
  }
}

TEST_F(discovery, explains_every_interpreter_it_cannot_use) {
  const auto start = std::chrono::steady_clock::now();
  const auto found = discover_runtimes(options);
  // Probes run in parallel: one hanging interpreter costs one probe timeout, not more.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_EQ(found.skipped.size(), 3u);
  EXPECT_EQ(found.skipped[0].reason, "CPython 2.7.18: the adapter supports CPython 3.8 to 3.13");
  EXPECT_EQ(found.skipped[1].interpreter.path, (dir / "broken/python3").string());
  EXPECT_EQ(found.skipped[1].reason, "no answer to the probe within 500 ms");
  EXPECT_EQ(found.skipped[2].reason, "the probe exited with status 1: ImportError: no json");
}

TEST(discovery_options, from_environment_uses_the_python_adapter) {
  const auto options = discovery_options::from_environment();
  EXPECT_TRUE(options.adapter_script.ends_with("aioconform_adapter.py")) << options.adapter_script;
  EXPECT_FALSE(options.path.empty());
}

}  // namespace
}  // namespace aioconform::adapters
