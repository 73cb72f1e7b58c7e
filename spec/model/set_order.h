#pragma once

// CPython's set iteration order for small integer hashes. asyncio iterates sets of tasks
// (asyncio.wait's and as_completed's argument sets, all_tasks() at shutdown); the adapter
// hashes tasks by creation number, so a runtime's order is CPython's set order of those
// numbers, which this reproduces (Objects/setobject.c: linear probes, then perturbation;
// the table grows ×4 when two thirds full).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aioconform::model {

/// The iteration order of a set built by adding `hashes` in the given order (duplicates are
/// added once): indices into `hashes` of the distinct elements, in iteration order.
[[nodiscard]] std::vector<std::size_t> python_set_order(const std::vector<std::uint64_t>& hashes);

}  // namespace aioconform::model
