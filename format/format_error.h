#pragma once

#include <stdexcept>
#include <string>

namespace aioconform::format {

/// A document that does not conform to its format: unreadable, not JSON, or invalid.
///
/// `what()` reads `FILE: JSON-PATH: reason`, for example
/// `gather/x.json: /main/steps/3/expr/children/0/script: unknown script 'foo'`.
/// `json_path` is a JSON Pointer (RFC 6901) into the document; it is empty when the
/// error concerns the file as a whole (cannot be read, is not JSON), and `what()` then
/// reads `FILE: reason`.
struct format_error : std::runtime_error {
  format_error(std::string file, std::string json_path, std::string reason);

  std::string file;       ///< the file name or other origin of the document
  std::string json_path;  ///< where in the document, as a JSON Pointer ("" for the root)
  std::string reason;     ///< what is wrong there
};

}  // namespace aioconform::format
