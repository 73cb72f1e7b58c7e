#include "adapters/impl/any_future.h"

#include "adapters/impl/exception_encoding.h"

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

template <class T>
impl::task<json> await_typed(T f) {
  co_return encode_results(co_await f);
}
impl::task<json> await_typed(impl::future<json> f) {
  co_return co_await f;
}
impl::task<json> await_typed(impl::task<json> t) {
  // A scheduled task awaited as a future: never inline.
  co_return co_await static_cast<impl::future<json>&>(t);
}

}  // namespace

json encode_results(const std::vector<json>& values) {
  return json(values);
}

json encode_results(const std::vector<impl::outcome<json>>& outcomes) {
  json out = json::array();
  for (const impl::outcome<json>& o : outcomes) {
    out.push_back(o.ok() ? *o.value : json{{"$exception", encode_exception(o.exception)}});
  }
  return out;
}

impl::task<json> any_future::await_value() const {
  return std::visit([](const auto& f) { return await_typed(f); }, f_);
}

json any_future::result_value() const {
  return std::visit(
      [](const auto& f) -> json {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, impl::task<json>> ||
                      std::is_same_v<F, impl::future<json>>) {
          return *f.slot()->value;
        } else {
          return encode_results(*f.slot()->value);
        }
      },
      f_);
}

std::exception_ptr any_future::peek_exception() const noexcept {
  return peek::exception(*base());
}

bool any_future::peek_log_traceback() const noexcept {
  return peek::log_traceback(*base());
}

}  // namespace aioconform::impl_runtime
