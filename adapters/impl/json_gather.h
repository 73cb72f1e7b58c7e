#pragma once

// asyncio.gather as a scenario sees it. A scenario's futures are untyped, as Python's are:
// every one the interpreter hands out is a future<json> (a task<json> among them), so that a
// gather, a shield or a task can each be a child of any combinator as they are, with no
// forwarding task between them (a forwarding task would end one loop iteration late and
// be cancelled at asyncio.run's shutdown, where asyncio has no such task).

#include <nlohmann/json.hpp>
#include <vector>

#include "impl/future.h"
#include "impl/outcome.h"

namespace aioconform::impl_runtime {

using json = nlohmann::json;

/// impl's gather over `children` whose result is one JSON array in argument order: each
/// child's result, or with `return_exceptions` each exception (a cancelled child's
/// cancelled_error included) as {"$exception": ...}. Otherwise the semantics of impl::gather
/// (gather.h), _GatheringFuture's cancel() included.
impl::future<json> gather_json(const std::vector<impl::future<json>>& children,
                               bool return_exceptions);

/// A gather's result as trace JSON, with return_exceptions.
json encode_results(const std::vector<impl::outcome<json>>& outcomes);

}  // namespace aioconform::impl_runtime
