#pragma once

#include <exception>
#include <optional>

#include "impl/future.h"

namespace aioconform::impl {

/// One child's outcome in a gather with return_exceptions: its value or its exception
/// (a cancelled child gives a cancelled_error, gather.child-cancelled).
template <class T>
struct outcome {
  std::optional<stored_t<T>> value;  ///< engaged when the child finished with a result
  std::exception_ptr exception;      ///< set when it failed or was cancelled
  bool ok() const noexcept { return !exception; }
};

}  // namespace aioconform::impl
