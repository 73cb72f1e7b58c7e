#pragma once

// Running a command to completion in the CLI's end-to-end tests: its exit status, its
// stdout and the tail of its stderr.

#include <chrono>
#include <string>

#include "adapters/subprocess.h"

namespace aioconform::cli::testing {

struct command_outcome {
  int code = -1;  ///< exit status; -1 when it was killed or did not end in time
  std::string out;
  std::string err;
};

/// Starts `options`, closes its stdin and collects its output, allowing `timeout` per line
/// and for the exit.
inline command_outcome run_to_completion(adapters::subprocess_options options,
                                         std::chrono::seconds timeout) {
  adapters::subprocess child(std::move(options));
  child.close_stdin();
  command_outcome result;
  for (;;) {
    const auto read = child.read_line(timeout);
    if (read.status != adapters::subprocess::read_status::line) {
      result.out += read.line;
      break;
    }
    result.out += read.line + "\n";
  }
  const auto status = child.wait_exit(timeout);
  result.code = status && !status->signaled ? status->code : -1;
  result.err = child.stderr_tail(std::chrono::seconds(1));
  return result;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace aioconform::cli::testing
