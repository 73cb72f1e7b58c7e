#include "impl/error.h"

#include <typeinfo>
#include <utility>

#include "impl/exception_access.h"

namespace aioconform::impl {

error::error(std::string type_name, std::string message)
    : type_name_(std::move(type_name)), message_(std::move(message)) {
  what_ = message_.empty() ? type_name_ : type_name_ + ": " + message_;
}

cancelled_error::cancelled_error(std::string message)
    : error("CancelledError", std::move(message)) {}

invalid_state_error::invalid_state_error(std::string message)
    : error("InvalidStateError", std::move(message)) {}

error_info describe(const std::exception_ptr& e) {
  if (const auto* x = exception_as<error>(e)) return {x->type_name(), x->message()};
  if (const auto* x = exception_as<std::exception>(e)) return {"Exception", x->what()};
  return {"Exception", ""};
}

bool is_cancelled_error(const std::exception_ptr& e) {
  if (!e) return false;
#if defined(__GLIBCXX__) && defined(__cpp_rtti)
  // The tasks ask this of every exception they hold; a rethrow per question costs more than
  // the step itself. cancelled_error is final, so its exact type is the whole answer.
  const std::type_info* held = e.__cxa_exception_type();
  return held != nullptr && *held == typeid(cancelled_error);
#else
  try {
    std::rethrow_exception(e);
  } catch (const cancelled_error&) {
    return true;
  } catch (...) {
    return false;
  }
#endif
}

}  // namespace aioconform::impl
