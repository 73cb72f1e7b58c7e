#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aioconform::adapters {

/// The last `capacity` bytes written to it; older bytes are dropped and counted.
/// Used for an adapter's stderr: the tail is what explains a crash, and keeping only
/// the tail bounds memory however much the adapter writes.
class tail_buffer {
 public:
  explicit tail_buffer(std::size_t capacity) : capacity_(capacity) {}

  void append(std::string_view bytes);

  /// The kept bytes, prefixed by a note when older bytes were dropped.
  std::string str() const;

  /// How many bytes were dropped from the front so far.
  std::size_t dropped() const {
    return dropped_ + (data_.size() > capacity_ ? data_.size() - capacity_ : 0);
  }

 private:
  std::size_t capacity_;
  std::size_t dropped_ = 0;
  // Holds up to 2 * capacity_ bytes so that trimming the front is amortised O(1) per byte.
  std::string data_;
};

}  // namespace aioconform::adapters
