#include "adapters/impl/exception_encoding.h"

#include "impl/error.h"
#include "impl/task_group.h"

namespace aioconform::impl_runtime {

nlohmann::json encode_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const impl::exception_group_error& g) {
    nlohmann::json members = nlohmann::json::array();
    for (const std::exception_ptr& m : g.exceptions()) members.push_back(encode_exception(m));
    return {{"type", g.type_name()}, {"message", g.message()}, {"exceptions", std::move(members)}};
  } catch (const impl::cancelled_error& c) {
    return {{"type", "asyncio.exceptions.CancelledError"}, {"message", c.message()}};
  } catch (const impl::invalid_state_error& s) {
    return {{"type", "asyncio.exceptions.InvalidStateError"}, {"message", s.message()}};
  } catch (...) {
    impl::error_info info = impl::describe(e);
    return {{"type", info.type_name}, {"message", info.message}};
  }
}

nlohmann::json exception_outcome(const std::exception_ptr& e) {
  if (impl::is_cancelled_error(e)) {
    return {{"cancelled", {{"message", impl::describe(e).message}}}};
  }
  return {{"exception", encode_exception(e)}};
}

}  // namespace aioconform::impl_runtime
