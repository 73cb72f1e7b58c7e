#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aioconform::adapters {

/// A command line that cannot be split (an unterminated quote, a trailing backslash).
class command_line_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Splits `text` into words the way a POSIX shell does for a simple command, without
/// running a shell: blanks separate words; '...' is literal; "..." is literal except for
/// \" \\ \$ \` ; a backslash outside quotes escapes the next character. No expansion of
/// variables, globs or ~, so what the user wrote is exactly what runs.
std::vector<std::string> split_command_line(std::string_view text);

/// The inverse, for messages: words joined by spaces, quoted only where needed.
std::string join_command_line(const std::vector<std::string>& words);

}  // namespace aioconform::adapters
