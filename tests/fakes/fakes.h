#pragma once

// Helpers for tests that need fake adapters, fake interpreters and scratch directories.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef AIOCONFORM_SOURCE_DIR
#error "AIOCONFORM_SOURCE_DIR must be defined by the build"
#endif
#ifndef AIOCONFORM_TEST_PYTHON
#error "AIOCONFORM_TEST_PYTHON must be defined by the build"
#endif

namespace aioconform::testing {

/// A fresh directory under the system temp directory, removed with everything in it.
class temp_directory {
 public:
  temp_directory() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("aioconform-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~temp_directory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A shell script at `path` with `body`, made executable.
inline void write_script(const std::filesystem::path& path, const std::string& body) {
  write_file(path, "#!/bin/sh\n" + body + "\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all |
                                         std::filesystem::perms::group_read |
                                         std::filesystem::perms::group_exec);
}

inline std::string python() {
  return AIOCONFORM_TEST_PYTHON;
}

inline std::filesystem::path fakes_dir() {
  return std::filesystem::path(AIOCONFORM_SOURCE_DIR) / "tests" / "fakes";
}

/// The argv of tests/fakes/fake_adapter.py in `mode` (see the script for the modes).
inline std::vector<std::string> fake_adapter(const std::string& mode,
                                             const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {python(), (fakes_dir() / "fake_adapter.py").string(), mode};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace aioconform::testing
