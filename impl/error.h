#pragma once

#include <exception>
#include <string>

namespace aioconform::impl {

/// An exception raised by a coroutine, named as Python would name it.
///
/// `type_name()` and `message()` correspond to `type(e).__name__` and `str(e)`, so a trace
/// produced by this runtime compares with one produced by CPython. Coroutines throw it
/// (or a subclass); futures keep it as a `std::exception_ptr`.
class error : public std::exception {
 public:
  error(std::string type_name, std::string message);

  const std::string& type_name() const noexcept { return type_name_; }
  const std::string& message() const noexcept { return message_; }
  /// "TypeName: message", or "TypeName" when the message is empty.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string type_name_;
  std::string message_;
  std::string what_;
};

/// asyncio.CancelledError: delivered into a coroutine at its next resumption after
/// `cancel(msg)` (task.cancel.delivery.next-resumption), message `msg` (task.cancel.message).
/// Final, so that is_cancelled_error can compare the held type instead of rethrowing.
class cancelled_error final : public error {
 public:
  explicit cancelled_error(std::string message = "");
};

/// asyncio.InvalidStateError: `result()` of a pending future, `set_result` on a done one.
class invalid_state_error : public error {
 public:
  explicit invalid_state_error(std::string message);
};

/// The Python-visible description of an exception.
struct error_info {
  std::string type_name;  ///< "ValueError"; "Exception" for a non-aioconform exception
  std::string message;    ///< its str()
};

/// Describes `e` (which must not be null). Exceptions not derived from `error` are named
/// "Exception" with their `what()` as message.
error_info describe(const std::exception_ptr& e);

/// Whether `e` holds a cancelled_error.
bool is_cancelled_error(const std::exception_ptr& e);

}  // namespace aioconform::impl
