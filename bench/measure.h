#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench/memory.h"

namespace aioconform::bench {

/// Runs `workload(n)` once per benchmark iteration and reports, besides Google Benchmark's
/// times, `bytes_per_task`: (peak RSS - RSS before the run) / n. Meaningful only when the
/// process runs this one benchmark (the driver, bench/run, starts one process per row) and
/// with --benchmark_repetitions unset, so that earlier peaks cannot mix in.
template <class Workload>
void measure(benchmark::State& state, Workload&& workload) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  double bytes_per_task = 0;
  for (auto _ : state) {
    memory_probe::reset_peak();
    std::size_t baseline = memory_probe::current();
    benchmark::DoNotOptimize(workload(n));
    std::size_t peak = memory_probe::peak();
    bytes_per_task =
        peak > baseline ? static_cast<double>(peak - baseline) / static_cast<double>(n) : 0.0;
  }
  state.counters["bytes_per_task"] = bytes_per_task;
  state.counters["n"] = static_cast<double>(n);
}

}  // namespace aioconform::bench
