#include "adapters/impl/json_gather.h"

#include "adapters/impl/exception_encoding.h"
#include "impl/gathering_future.h"

namespace aioconform::impl_runtime {
namespace {

/// A _GatheringFuture whose collect() builds the JSON array; `Outcomes`: return_exceptions.
template <bool Outcomes>
class json_gathering_future final
    : public impl::detail::gathering_future<json, impl::future<json>> {
 public:
  using gathering_future::gathering_future;

 private:
  json collect() override {
    if constexpr (Outcomes) {
      std::vector<impl::outcome<json>> outcomes;
      outcomes.reserve(children().size());
      for (const impl::future<json>& c : children()) outcomes.push_back(outcome_of<json>(c.base()));
      return encode_results(outcomes);
    } else {
      json out = json::array();
      for (const impl::future<json>& c : children()) out.push_back(value_of<json>(c.base()));
      return out;
    }
  }
};

template <bool Outcomes>
impl::future<json> make(std::vector<impl::future<json>> children) {
  auto* outer = new json_gathering_future<Outcomes>(std::move(children), Outcomes);
  impl::future<json> handle(outer);
  outer->start();
  return handle;
}

}  // namespace

impl::future<json> gather_json(const std::vector<impl::future<json>>& children,
                               bool return_exceptions) {
  return return_exceptions ? make<true>(children) : make<false>(children);
}

json encode_results(const std::vector<impl::outcome<json>>& outcomes) {
  json out = json::array();
  for (const impl::outcome<json>& o : outcomes) {
    out.push_back(o.ok() ? *o.value : json{{"$exception", encode_exception(o.exception)}});
  }
  return out;
}

}  // namespace aioconform::impl_runtime
