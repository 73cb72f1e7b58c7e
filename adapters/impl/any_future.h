#pragma once

// A handle the scenario can name: a task, or a plain future (a shield's, a gather's). Every
// future a scenario sees has a JSON result (json_gather.h gives gathers one), so this is a
// future<json> that knows whether it is a task.

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "impl/future.h"
#include "impl/task.h"

namespace aioconform::impl_runtime {

using json = nlohmann::json;

/// One reference to a named task or future.
class any_future {
 public:
  using variant = std::variant<impl::task<json>, impl::future<json>>;

  explicit any_future(variant f) : f_(std::move(f)) {}

  impl::future_base* base() const noexcept {
    return std::visit([](const auto& f) -> impl::future_base* { return f.base(); }, f_);
  }
  bool is_task() const noexcept { return std::holds_alternative<impl::task<json>>(f_); }
  const variant& get() const noexcept { return f_; }
  /// The future, as combinators take it (a task is one too).
  impl::future<json> handle() const {
    return std::visit([](const auto& f) { return impl::future<json>(f); }, f_);
  }
  /// The task, if this is one.
  const impl::task<json>* task() const noexcept { return std::get_if<impl::task<json>>(&f_); }

  /// `await f`, run inline in the awaiting task: the result as trace JSON, or the exception.
  impl::task<json> await_value() const;
  /// The result of a future finished with one, as trace JSON.
  json result_value() const;
  /// The exception a finished future holds, without marking it retrieved (the futures table
  /// and reports must not change what the run would log).
  std::exception_ptr peek_exception() const noexcept;
  /// Whether the future would report "exception was never retrieved" if collected now.
  bool peek_log_traceback() const noexcept;

 private:
  variant f_;
};

}  // namespace aioconform::impl_runtime
