#include "adapters/impl/exception_encoding.h"

#include "impl/error.h"
#include "impl/exception_access.h"
#include "impl/task_group.h"

namespace aioconform::impl_runtime {

nlohmann::json encode_exception(const std::exception_ptr& e) {
  const auto* x = impl::exception_as<impl::error>(e);
  if (x == nullptr) {
    impl::error_info info = impl::describe(e);
    return {{"type", info.type_name}, {"message", info.message}};
  }
  if (const auto* g = dynamic_cast<const impl::exception_group_error*>(x)) {
    nlohmann::json members = nlohmann::json::array();
    for (const std::exception_ptr& m : g->exceptions()) members.push_back(encode_exception(m));
    return {
        {"type", g->type_name()}, {"message", g->message()}, {"exceptions", std::move(members)}};
  }
  if (dynamic_cast<const impl::cancelled_error*>(x)) {
    return {{"type", "asyncio.exceptions.CancelledError"}, {"message", x->message()}};
  }
  if (dynamic_cast<const impl::invalid_state_error*>(x)) {
    return {{"type", "asyncio.exceptions.InvalidStateError"}, {"message", x->message()}};
  }
  return {{"type", x->type_name()}, {"message", x->message()}};
}

nlohmann::json exception_outcome(const std::exception_ptr& e) {
  if (impl::is_cancelled_error(e)) {
    return {{"cancelled", {{"message", impl::describe(e).message}}}};
  }
  return {{"exception", encode_exception(e)}};
}

}  // namespace aioconform::impl_runtime
