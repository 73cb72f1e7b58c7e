#pragma once

// outcome: how a Python call ended, as data: the value it returned, or the exception it
// raised. Awaiting in the model (a proc, a future, a bare yield) gives an outcome, and a
// proc ends raising with `co_return py_raise{e}`, so a Python exception travels up the
// awaiting frames as a value; C++ unwinding cost ~14k instructions per frame crossed.
//
// The caller decides what Python's exception handling would: propagate it, as an `await`
// outside any `try` does,
//
//     if (outcome r = co_await sub(); r.raised()) co_return r;
//
// or look at r.exception, as an `except` clause does. `co_return co_await sub();` is
// `return await sub()`: the value or the exception, passed on as it is.

#include <nlohmann/json.hpp>
#include <utility>

#include "spec/model/py_exception.h"

namespace aioconform::model {

struct outcome {
  nlohmann::json value;    ///< what the call returned; null when it raised
  py_exception exception;  ///< what it raised (the very object: identity matters); null if none

  [[nodiscard]] bool raised() const { return exception != nullptr; }
};

}  // namespace aioconform::model
