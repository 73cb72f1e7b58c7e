#pragma once

// frame_cache: where proc's coroutine frames come from. A simulation makes and drops
// thousands of frames of a handful of sizes (run_step's is over a KiB); from malloc every
// such request first consolidates its fast bins, which cost more than the model's own work.
//
// Invariant: a freed frame is kept, per thread and per exact size, for the next frame of
// that size (at most kept_per_size of each); the rest go back to ::operator delete, and
// what is kept is freed at thread exit. Under AddressSanitizer every frame goes to
// ::operator new, so that it sees each frame's lifetime.

#include <cstddef>

namespace aioconform::model::frame_cache {

inline constexpr std::size_t kept_per_size = 256;

/// A block of `size` bytes, aligned as ::operator new aligns.
[[nodiscard]] void* allocate(std::size_t size);
/// Frees a block from allocate(size), with the same size.
void deallocate(void* p, std::size_t size) noexcept;

}  // namespace aioconform::model::frame_cache
