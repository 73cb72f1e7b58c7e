#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace aioconform::format {

/// The canonical compact encoding of `value`: object keys sorted by code point (UTF-8 byte
/// order), no white space, UTF-8 output (no \u escapes except for control characters).
/// Equal values give equal strings; this is also the sort key of trace `$set` elements and
/// `reports`. Throws nlohmann::json::type_error when a string is not valid UTF-8.
[[nodiscard]] std::string canonical_compact(const nlohmann::json& value);

/// The canonical file encoding (spec/formats/trace.md, "Canonical encoding"), used for
/// traces and scenarios alike. For an object document:
///
///     {
///       "events": [
///         {"ev":"start","t":0,"task":"main"},
///         {"ev":"exit","outcome":{"result":null},"t":0,"task":"main"}
///       ],
///       "format": "aioconform.trace/1",
///       "futures": {
///         "main": {"kind":"task","state":{"result":null}}
///       },
///       "missing": []
///     }
///
/// one top-level key per line (2-space indent, `"key": value`); a non-empty array value
/// one element per line and a non-empty object value one key per line (4-space indent),
/// each element or member value in the compact encoding; empty arrays and objects and
/// scalars inline; a final newline. A document that is not an object is written compact
/// on one line.
[[nodiscard]] std::string canonical_document(const nlohmann::json& document);

}  // namespace aioconform::format
