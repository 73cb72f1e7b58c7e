#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "format/format_error.h"

namespace aioconform::format {

/// `base` with the member at JSON Pointer `pointer` replaced by `replacement`, or removed when
/// `replacement` is `removed`: how the codec tests derive each bad document from a good one.
inline nlohmann::json with(nlohmann::json base, const std::string& pointer,
                           nlohmann::json replacement) {
  const nlohmann::json::json_pointer at(pointer);
  if (replacement.is_discarded()) {
    base[at.parent_pointer()].erase(at.back());
  } else {
    base[at] = std::move(replacement);
  }
  return base;
}

inline const nlohmann::json removed = nlohmann::json::value_t::discarded;

/// A document a codec must reject, at `path`, with a reason containing `reason`.
struct rejection {
  const char* what;
  nlohmann::json doc;
  std::string path;
  std::string reason;  ///< a substring of the reason
};

/// Runs `parse(doc, file)` and checks that it throws the format_error `r` describes, with
/// the documented message shape "FILE: JSON-PATH: reason".
template <typename Parse>
void expect_rejected(const rejection& r, const std::string& file, Parse parse) {
  try {
    parse(r.doc, file);
    ADD_FAILURE() << r.what << ": accepted";
  } catch (const format_error& e) {
    EXPECT_EQ(e.file, file) << r.what;
    EXPECT_EQ(e.json_path, r.path) << r.what << ": " << e.what();
    EXPECT_NE(e.reason.find(r.reason), std::string::npos)
        << r.what << ": reason '" << e.reason << "' lacks '" << r.reason << "'";
    const std::string where = r.path.empty() ? "" : r.path + ": ";
    EXPECT_EQ(std::string(e.what()), file + ": " + where + e.reason) << r.what;
  }
}

}  // namespace aioconform::format
