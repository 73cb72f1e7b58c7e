#pragma once

// Python's repr() of a str, as traces carry it where Python puts one in a message:
// str(KeyError('x')) is "'x'". Both the model and the reference runtime's runner spell
// KeyError messages with it, so their traces match CPython's.

#include <string>

namespace aioconform::format {

/// repr(s) for a str: single quotes unless s holds one and no double quote; backslash,
/// the quote, \n, \r, \t and other control characters escaped.
[[nodiscard]] std::string python_repr(const std::string& s);

}  // namespace aioconform::format
