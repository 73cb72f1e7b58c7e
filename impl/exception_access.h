#pragma once

// Reading the exception an exception_ptr holds without rethrowing it. A rethrow unwinds
// through the C++ runtime's tables (~14k instructions); the reference runtime and its
// scenario runner ask what an exception is far more often than they let one propagate.

#include <exception>
#include <typeinfo>

// The Itanium C++ ABI under libstdc++ (g++, and clang with its default library here):
// exception_ptr is one pointer to the thrown object, and type_info::__do_catch is the test
// a catch clause makes. Defining it as 0 selects the portable rethrow (to test it).
#ifndef AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW
#if defined(__GLIBCXX__) && defined(__GXX_ABI_VERSION) && defined(__cpp_rtti)
#define AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW 1
#else
#define AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW 0
#endif
#endif

namespace aioconform::impl {
#if AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW
namespace detail {

/// The object `e` (not null) holds, adjusted as `catch (const W&)` with typeid(W) ==
/// `wanted` would bind it, or null if that handler would not catch it.
const void* held_object_as(const std::exception_ptr& e, const std::type_info& wanted) noexcept;

}  // namespace detail
#endif

/// The exception object `e` holds, as `catch (const E&)` would see it: null if `e` is null
/// or such a handler would not catch it. The object is the one a rethrow would throw (the
/// same identity), and lives as long as `e` or a copy of it. E is a class type.
/// Never rethrows under libstdc++; elsewhere it rethrows and catches, which C++20 defines to
/// throw that very object ([propagation]).
template <class E>
const E* exception_as(const std::exception_ptr& e) noexcept {
  if (!e) return nullptr;
#if AIOCONFORM_EXCEPTION_ACCESS_WITHOUT_RETHROW
  return static_cast<const E*>(detail::held_object_as(e, typeid(E)));
#else
  try {
    std::rethrow_exception(e);
  } catch (const E& x) {
    return &x;
  } catch (...) {
    return nullptr;
  }
#endif
}

}  // namespace aioconform::impl
