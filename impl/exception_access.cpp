#include "impl/exception_access.h"

#include <cstring>

namespace aioconform::impl::detail {

#if AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW

const void* held_object_as(const std::exception_ptr& e, const std::type_info& wanted) noexcept {
  const std::type_info* held = e.__cxa_exception_type();
  // A thrown pointer is not an object a class handler catches; exception_as asks for classes.
  if (held == nullptr || held->__is_pointer_p()) return nullptr;
  // libstdc++'s exception_ptr is a single pointer to the thrown object (its only member,
  // _M_exception_object, is private): copy out its representation.
  static_assert(sizeof(std::exception_ptr) == sizeof(void*));
  void* object = nullptr;
  std::memcpy(&object, static_cast<const void*>(&e), sizeof object);
  // What the personality routine asks of a handler's type: whether it catches `held`, and
  // where the base subobject it binds to is (adjusting `object`).
  if (!wanted.__do_catch(held, &object, 1)) return nullptr;
  return object;
}

#endif

}  // namespace aioconform::impl::detail
