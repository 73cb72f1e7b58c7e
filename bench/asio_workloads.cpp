// Boost.Asio's parallel_group on the gather workload, as asio/gather/<n>: n awaitable
// coroutines co_spawned as deferred operations and awaited with
// make_parallel_group(range).async_wait(wait_for_all(), ...), on a single-threaded io_context.
#include <benchmark/benchmark.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <exception>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/measure.h"

namespace aioconform::bench {
namespace {

namespace asio = boost::asio;

asio::awaitable<std::int64_t> trivial(std::int64_t i) {
  co_return i;
}

asio::awaitable<std::int64_t> gather_main(std::int64_t n) {
  auto executor = co_await asio::this_coro::executor;
  using op_type = decltype(asio::co_spawn(executor, trivial(0), asio::deferred));
  std::vector<op_type> ops;
  ops.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    ops.push_back(asio::co_spawn(executor, trivial(i), asio::deferred));
  auto [order, exceptions, results] =
      co_await asio::experimental::make_parallel_group(std::move(ops))
          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  std::int64_t s = 0;
  for (std::int64_t r : results) s += r;
  co_return s;
}

void gather(benchmark::State& state) {
  measure(state, [](std::int64_t n) {
    asio::io_context ctx(1);
    std::int64_t s = 0;
    asio::co_spawn(ctx, gather_main(n), [&](std::exception_ptr e, std::int64_t v) {
      if (e) std::rethrow_exception(e);
      s = v;
    });
    ctx.run();
    return s;
  });
}

BENCHMARK(gather)
    ->Name("asio/gather")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aioconform::bench
