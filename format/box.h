#pragma once

#include <memory>
#include <utility>

namespace aioconform::format {

/// A heap-allocated `T` with value semantics: copying a box copies the `T`, comparing two
/// boxes compares their `T`s. It lets recursive types (an expression whose child is an
/// expression) hold each other by value. Never empty, except after being moved from, when
/// it may only be assigned to or destroyed.
template <typename T>
class box {
 public:
  box() : ptr_(std::make_unique<T>()) {}
  box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit by design
  box(const box& other) : ptr_(std::make_unique<T>(*other.ptr_)) {}
  box(box&&) noexcept = default;
  box& operator=(const box& other) {
    if (this != &other) ptr_ = std::make_unique<T>(*other.ptr_);
    return *this;
  }
  box& operator=(box&&) noexcept = default;
  ~box() = default;

  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }

  friend bool operator==(const box& a, const box& b) { return *a.ptr_ == *b.ptr_; }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace aioconform::format
