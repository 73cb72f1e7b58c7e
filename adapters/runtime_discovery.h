#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/runtime.h"

namespace aioconform::adapters {

/// Where discovery looks; from_environment() reads it the way a user's shell would.
struct discovery_options {
  std::string path;            // a PATH value, searched in order
  std::string pyenv_root;      // $PYENV_ROOT, else ~/.pyenv; may not exist
  std::string adapter_script;  // aioconform_adapter.py, passed to every interpreter
  std::chrono::milliseconds probe_timeout{10000};

  static discovery_options from_environment();
};

/// The Python adapter: $AIOCONFORM_ADAPTER_DIR/aioconform_adapter.py, else the copy in the
/// source tree aioconform was built from.
std::string default_adapter_script();

/// An interpreter found on PATH (or in pyenv), before it is probed.
struct interpreter_candidate {
  std::string path;         // as found, e.g. /root/.pyenv/versions/3.12.1/bin/python3
  std::string real_path;    // symlinks resolved: two names for one binary are one interpreter
  std::string source;       // "PATH" or "pyenv"
  std::string description;  // "pyenv 3.12.1", "PATH /usr/bin"
};

/// Every interpreter reachable as python3, python3.8 ... python3.13 or pypy3 through `path`,
/// in PATH order, one per real path. A pyenv shims directory on PATH stands for the pyenv
/// installs at that position ($PYENV_ROOT/versions/*, newest first); shims themselves are
/// never run, since each would re-dispatch to whatever version pyenv currently selects.
std::vector<interpreter_candidate> find_interpreters(const discovery_options& options);

/// An interpreter that yields no runtime, and why.
struct skipped_interpreter {
  interpreter_candidate interpreter;
  std::string reason;
};

struct discovered_runtimes {
  std::vector<runtime_spec> runtimes;        // unique names, sorted naturally
  std::vector<runtime_spec> shadowed;        // a runtime earlier on PATH has the same name
  std::vector<skipped_interpreter> skipped;  // unsupported versions, failed probes
};

/// Finds and probes the interpreters (in parallel) and names the runtimes each offers:
/// cpython-X.Y (C tasks), cpython-X.Y-pytasks (pure-Python tasks), cpython-X.Y-eager
/// (eager task factory, 3.12+), pypy-X.Y, and uvloop-X.Y where uvloop imports.
/// When two interpreters offer the same name, the first on PATH wins.
discovered_runtimes discover_runtimes(const discovery_options& options);

}  // namespace aioconform::adapters
