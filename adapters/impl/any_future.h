#pragma once

// A handle the scenario can name: a task, a shield's future, or a gather's future. The
// reference runtime types futures by their result (gather's is a vector), while a scenario
// handle is untyped, so this holds whichever one it is and reads it as trace JSON.

#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "impl/future.h"
#include "impl/outcome.h"
#include "impl/task.h"

namespace aioconform::impl_runtime {

using json = nlohmann::json;

/// One reference to a named task or future.
class any_future {
 public:
  using variant =
      std::variant<impl::task<json>, impl::future<json>, impl::future<std::vector<json>>,
                   impl::future<std::vector<impl::outcome<json>>>>;

  explicit any_future(variant f) : f_(std::move(f)) {}

  impl::future_base* base() const noexcept {
    return std::visit([](const auto& f) -> impl::future_base* { return f.base(); }, f_);
  }
  bool is_task() const noexcept { return std::holds_alternative<impl::task<json>>(f_); }
  const variant& get() const noexcept { return f_; }
  /// The task, if this is one.
  const impl::task<json>* task() const noexcept { return std::get_if<impl::task<json>>(&f_); }

  /// `await f`, run inline in the awaiting task: the result as trace JSON, or the exception.
  impl::task<json> await_value() const;
  /// The result of a future finished with one, as trace JSON (a gather's list; with
  /// return_exceptions, each exception as {"$exception": ...}).
  json result_value() const;
  /// The exception a finished future holds, without marking it retrieved (the futures table
  /// and reports must not change what the run would log).
  std::exception_ptr peek_exception() const noexcept;
  /// Whether the future would report "exception was never retrieved" if collected now.
  bool peek_log_traceback() const noexcept;

 private:
  variant f_;
};

/// A gather's result as trace JSON.
json encode_results(const std::vector<json>& values);
json encode_results(const std::vector<impl::outcome<json>>& outcomes);

}  // namespace aioconform::impl_runtime
