// bench/minimal_gather.h on the gather workload, as minimal/gather/<n>: the floor.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "bench/measure.h"
#include "bench/minimal_gather.h"

namespace aioconform::bench {
namespace {

minimal::task trivial(std::int64_t i) {
  co_return i;
}

minimal::main_task gather_main(minimal::scheduler* sched, std::int64_t n) {
  std::vector<minimal::task> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) tasks.push_back(trivial(i));
  std::vector<std::int64_t> results = co_await minimal::gather(*sched, std::move(tasks));
  std::int64_t s = 0;
  for (std::int64_t r : results) s += r;
  co_return s;
}

void gather(benchmark::State& state) {
  measure(state, [](std::int64_t n) {
    minimal::scheduler sched;
    minimal::main_task main = gather_main(&sched, n);
    sched.post(main.handle);
    sched.run();
    std::int64_t s = main.handle.promise().value;
    main.handle.destroy();
    return s;
  });
}

BENCHMARK(gather)
    ->Name("minimal/gather")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aioconform::bench
