#pragma once

// How the reference runtime's exceptions appear in a trace (spec/formats/trace.md,
// "Outcomes"): impl::error carries Python's type name and str(); only the classes asyncio
// defines need their module-qualified trace name.

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

namespace aioconform::impl_runtime {

/// The trace's {"type", "message"} of `e` (not null); an ExceptionGroup adds its members,
/// in order, as "exceptions". CancelledError is "asyncio.exceptions.CancelledError" there,
/// as a cancelled gather's stored exception shows it.
[[nodiscard]] nlohmann::json encode_exception(const std::exception_ptr& e);

/// The outcome of something that raised `e`: {"cancelled": {"message"}} for a
/// CancelledError, else {"exception": encode_exception(e)}.
[[nodiscard]] nlohmann::json exception_outcome(const std::exception_ptr& e);

}  // namespace aioconform::impl_runtime
