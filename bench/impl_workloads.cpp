// The workloads of bench/workloads.py on the reference runtime (aioconform::impl), each a
// Google Benchmark named impl/<workload>/<n>. They must stay the same programs as the
// Python ones: bench/README.md describes each.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "bench/measure.h"
#include "impl/as_completed.h"
#include "impl/gather.h"
#include "impl/sleep.h"
#include "impl/task.h"
#include "impl/wait.h"

namespace aioconform::bench {
namespace {

using impl::event_loop;
using impl::task;

task<std::int64_t> trivial(std::int64_t i) {
  co_return i;
}

// Completes one loop iteration after `previous`: a chain finishes one task at a time.
task<std::int64_t> link(impl::future<std::int64_t> previous) {
  co_return co_await previous + 1;
}

task<std::int64_t> sleeper(std::int64_t delay) {
  co_await impl::sleep(delay);
  co_return delay;
}

std::vector<task<std::int64_t>> trivial_tasks(event_loop& loop, std::int64_t n) {
  std::vector<task<std::int64_t>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) tasks.push_back(impl::create_task(loop, trivial(i)));
  return tasks;
}

std::int64_t sum(const std::vector<impl::future<std::int64_t>>& futures) {
  std::int64_t s = 0;
  for (auto f : futures) s += f.result();
  return s;
}

task<std::int64_t> gather_main(std::int64_t n) {
  std::vector<task<std::int64_t>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) tasks.push_back(trivial(i));
  std::vector<std::int64_t> results = co_await impl::gather(std::move(tasks));
  std::int64_t s = 0;
  for (std::int64_t r : results) s += r;
  co_return s;
}

task<std::int64_t> wait_all_main(event_loop* loop, std::int64_t n) {
  auto tasks = trivial_tasks(*loop, n);
  auto [done, pending] = co_await impl::wait(tasks);
  co_return sum(done) + static_cast<std::int64_t>(pending.size());
}

task<std::int64_t> as_completed_main(event_loop* loop, std::int64_t n) {
  auto it = impl::as_completed(trivial_tasks(*loop, n));
  std::int64_t s = 0;
  while (it.has_next()) s += co_await it.next();
  co_return s;
}

task<std::int64_t> wait_first_loop_main(event_loop* loop, std::int64_t n) {
  std::vector<impl::future<std::int64_t>> pending;
  pending.reserve(static_cast<std::size_t>(n));
  pending.push_back(impl::create_task(*loop, trivial(0)));
  for (std::int64_t i = 1; i < n; ++i) {
    pending.push_back(impl::create_task(*loop, link(pending.back())));
  }
  std::int64_t rounds = 0;
  while (!pending.empty()) {
    auto r = co_await impl::wait(std::move(pending), impl::return_when::first_completed);
    pending = std::move(r.pending);
    ++rounds;
  }
  co_return rounds;
}

task<std::int64_t> timers_main(event_loop* loop, std::int64_t n) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> delay(0, 999);
  std::vector<task<std::int64_t>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    tasks.push_back(impl::create_task(*loop, sleeper(delay(rng))));
  auto [done, pending] = co_await impl::wait(tasks);
  co_return sum(done) + static_cast<std::int64_t>(pending.size());
}

template <class Main>
void run_impl(benchmark::State& state, Main main) {
  measure(state, [&](std::int64_t n) {
    event_loop loop;
    return impl::run(loop, main(&loop, n));
  });
}

void gather(benchmark::State& state) {
  run_impl(state, [](event_loop*, std::int64_t n) { return gather_main(n); });
}
void wait_all(benchmark::State& state) {
  run_impl(state, wait_all_main);
}
void as_completed(benchmark::State& state) {
  run_impl(state, as_completed_main);
}
void wait_first_loop(benchmark::State& state) {
  run_impl(state, wait_first_loop_main);
}
void timers(benchmark::State& state) {
  run_impl(state, timers_main);
}

BENCHMARK(gather)
    ->Name("impl/gather")
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(wait_all)
    ->Name("impl/wait_all")
    ->Arg(100'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(as_completed)
    ->Name("impl/as_completed")
    ->Arg(100'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(wait_first_loop)
    ->Name("impl/wait_first_loop")
    ->Arg(1'000)
    ->Arg(10'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(timers)->Name("impl/timers")->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace aioconform::bench
