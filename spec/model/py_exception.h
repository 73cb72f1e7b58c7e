#pragma once

// A Python exception instance as the model sees it: its class (spelled as traces spell it,
// spec/formats/trace.md "Outcomes"), its str(), group members, and its identity. Identity
// matters: asyncio hands out one stored CancelledError once (3.11+), and a script tells a
// delivered cancellation from one it raised itself by identity.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "spec/model/json_object.h"

namespace aioconform::model {

inline constexpr const char* cancelled_error_type = "asyncio.exceptions.CancelledError";

struct exception_data {
  std::string type;
  std::string message;
  std::vector<std::shared_ptr<const exception_data>> members;  ///< an ExceptionGroup's
};

/// A Python exception object; null means "no exception". Compared by identity.
using py_exception = std::shared_ptr<const exception_data>;

[[nodiscard]] inline py_exception make_exception(std::string type, std::string message,
                                                 std::vector<py_exception> members = {}) {
  return std::make_shared<const exception_data>(
      exception_data{std::move(type), std::move(message), std::move(members)});
}

[[nodiscard]] inline py_exception make_cancelled_error(std::string message = "") {
  return make_exception(cancelled_error_type, std::move(message));
}

[[nodiscard]] inline bool is_cancelled_error(const py_exception& e) {
  return e && e->type == cancelled_error_type;
}

/// The trace encoding of an exception: {"type","message","exceptions"?}.
[[nodiscard]] inline nlohmann::json encode_exception(const py_exception& e) {
  nlohmann::json out = json_object("type", e->type, "message", e->message);
  if (!e->members.empty() || e->type == "ExceptionGroup" || e->type == "BaseExceptionGroup") {
    nlohmann::json members = nlohmann::json::array();
    for (const py_exception& m : e->members) members.push_back(encode_exception(m));
    out["exceptions"] = std::move(members);
  }
  return out;
}

/// The trace outcome of a raised exception: cancelled for a CancelledError, else exception.
[[nodiscard]] inline nlohmann::json exception_outcome(const py_exception& e) {
  if (is_cancelled_error(e)) return json_object("cancelled", json_object("message", e->message));
  return json_object("exception", encode_exception(e));
}

/// Raising a Python exception in model code: a proc ends with `co_return py_raise{e}`
/// (outcome.h); code outside procs (done callbacks) throws it, rarely.
struct py_raise {
  py_exception exception;
};

}  // namespace aioconform::model
