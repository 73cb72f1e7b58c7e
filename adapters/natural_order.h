#pragma once

#include <string_view>

namespace aioconform::adapters {

/// Orders names with their digit runs compared as numbers, so that cpython-3.9 comes before
/// cpython-3.10 and 3.8.18 before 3.10.13.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace aioconform::adapters
