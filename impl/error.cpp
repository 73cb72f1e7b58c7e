#include "impl/error.h"

#include <utility>

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
  try {
    std::rethrow_exception(e);
  } catch (const error& x) {
    return {x.type_name(), x.message()};
  } catch (const std::exception& x) {
    return {"Exception", x.what()};
  } catch (...) {
    return {"Exception", ""};
  }
}

bool is_cancelled_error(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const cancelled_error&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace aioconform::impl
