#include "adapters/tail_buffer.h"

#include <fmt/format.h>

namespace aioconform::adapters {

void tail_buffer::append(std::string_view bytes) {
  if (bytes.size() >= capacity_) {
    dropped_ += data_.size() + bytes.size() - capacity_;
    data_.assign(bytes.substr(bytes.size() - capacity_));
    return;
  }
  data_.append(bytes);
  if (data_.size() > 2 * capacity_) {
    const std::size_t excess = data_.size() - capacity_;
    data_.erase(0, excess);
    dropped_ += excess;
  }
}

std::string tail_buffer::str() const {
  const std::size_t kept = data_.size() > capacity_ ? capacity_ : data_.size();
  std::string out;
  if (dropped() > 0) {
    out = fmt::format("[... {} earlier bytes dropped ...]\n", dropped());
  }
  out.append(data_, data_.size() - kept, kept);
  return out;
}

}  // namespace aioconform::adapters
