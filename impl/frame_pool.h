#pragma once

#include <cstddef>

namespace aioconform::impl {

/// Where coroutine frames and future objects come from: a per-thread pool of size classes
/// (8-byte steps up to max_pooled bytes) carved from chunks that double from 64 KiB to
/// 2 MiB. Why: a task costs one frame, and at 10^6 tasks malloc's per-block header and the
/// page faults of fresh memory dominate; 2 MiB chunks are marked MADV_HUGEPAGE, so one
/// fault maps all of one.
///
/// Invariant: a freed block goes to its size class's free list and is reused before the
/// chunk is bumped further; when the last live block of the thread is freed, every chunk
/// but the first goes back to the system (that one at thread exit). Blocks must be freed
/// on the thread that allocated them (one loop per thread). Under AddressSanitizer or
/// valgrind it forwards to ::operator new, so that they still see every frame.
class frame_pool {
 public:
  /// Larger requests go to ::operator new.
  static constexpr std::size_t max_pooled = 512;

  /// A block of at least `size` bytes (rounded up to 8), aligned to 16 if that is a
  /// multiple of 16 and to 8 otherwise: an object's size is a multiple of its alignment,
  /// so that is all an object of `size` bytes can need, and a 136-byte frame does not
  /// take 144.
  static void* allocate(std::size_t size);
  /// Frees a block from allocate(size), with the same size.
  static void deallocate(void* p, std::size_t size) noexcept;
};

}  // namespace aioconform::impl
