#pragma once

#include <string>
#include <vector>

#include "impl/error.h"
#include "impl/event_loop.h"

namespace aioconform::impl {

/// What a test's coroutines log, in order ("name ends@3").
using log_t = std::vector<std::string>;

/// Collects the loop's exception-handler calls as "MESSAGE: TYPE" (for example
/// "Task exception was never retrieved: ValueError"), so tests can assert on them.
struct reports {
  explicit reports(event_loop& loop) {
    loop.set_exception_handler([this](const exception_context& c) {
      messages.push_back(c.message + ": " + describe(c.exception).type_name);
    });
  }
  std::vector<std::string> messages;
};

}  // namespace aioconform::impl
