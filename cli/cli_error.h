#pragma once

#include <stdexcept>
#include <string>

#include "cli/exit_code.h"

namespace aioconform::cli {

/// An error that ends the command with a message on stderr ("aioconform: error: ..."),
/// for bad usage and infrastructure failures, or a skip (exit 77) with a plain note.
class cli_error : public std::runtime_error {
 public:
  explicit cli_error(const std::string& message, exit_code code = exit_code::failure)
      : std::runtime_error(message), code_(code) {}
  exit_code code() const { return code_; }

 private:
  exit_code code_;
};

}  // namespace aioconform::cli
