#include "adapters/impl/any_future.h"

#include "adapters/impl/exception_encoding.h"
#include "impl/outcome_of.h"

namespace aioconform::impl_runtime {
namespace {

// A future's exception (asyncio's Future._exception) and never-retrieved flag
// (_log_traceback), read without retrieving them.
struct peek {
  static std::exception_ptr exception(const impl::future_base& f) noexcept {
    return f.held_exception();
  }
  static bool log_traceback(const impl::future_base& f) noexcept { return f.log_traceback(); }
};

// The outcome passes through as a value: the caller (the scenario interpreter) takes it
// with outcome_of, and a rethrow here would cost more than the step.
impl::task<json> await_typed(impl::future<json> f) {
  co_return co_await impl::outcome_of(f);
}
impl::task<json> await_typed(impl::task<json> t) {
  // A scheduled task awaited as a future: never inline.
  co_return co_await impl::outcome_of(static_cast<impl::future<json>&>(t));
}

}  // namespace

impl::task<json> any_future::await_value() const {
  return std::visit([](const auto& f) { return await_typed(f); }, f_);
}

json any_future::result_value() const {
  return *handle().slot()->value;
}

std::exception_ptr any_future::peek_exception() const noexcept {
  return peek::exception(*base());
}

bool any_future::peek_log_traceback() const noexcept {
  return peek::log_traceback(*base());
}

}  // namespace aioconform::impl_runtime
