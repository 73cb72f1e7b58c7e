#pragma once

#include <exception>
#include <optional>

#include "impl/future.h"

namespace aioconform::impl {

/// What awaiting something gave: its value or its exception. One child's outcome in a
/// gather with return_exceptions (a cancelled child gives a cancelled_error,
/// gather.child-cancelled), or what `co_await outcome_of(x)` returns (outcome_of.h).
template <class T>
struct outcome {
  std::optional<stored_t<T>> value;  ///< engaged when the child finished with a result
  std::exception_ptr exception;      ///< set when it failed or was cancelled
  bool ok() const noexcept { return !exception; }
};

}  // namespace aioconform::impl
