#include "impl/frame_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define AIOCONFORM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIOCONFORM_ASAN 1
#endif
#endif

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define AIOCONFORM_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#else
#define AIOCONFORM_UNDER_VALGRIND() false
#endif

namespace aioconform::impl {
namespace {

constexpr std::size_t granule = 8;
constexpr std::size_t classes = frame_pool::max_pooled / granule + 1;
// alignof(std::max_align_t) on x86-64 and AArch64: what ::operator new gives, so what a
// block whose size is a multiple of it may need (see frame_pool::allocate).
constexpr std::size_t max_align = 16;
// Chunks double from 64 KiB, so a small program does not map a huge page it barely uses,
// up to 2 MiB: the size of a transparent huge page.
constexpr std::size_t first_chunk = std::size_t{64} << 10;
constexpr std::size_t huge_chunk = std::size_t{2} << 20;

// Under AddressSanitizer or valgrind every block comes from ::operator new, so that they
// see each frame's lifetime (a pooled block is never freed for them).
bool bypass() noexcept {
#ifdef AIOCONFORM_ASAN
  return true;
#else
  static const bool under_valgrind = AIOCONFORM_UNDER_VALGRIND();
  return under_valgrind;
#endif
}

std::size_t size_class(std::size_t size) noexcept {
  return (size + granule - 1) / granule;
}

struct free_block {
  free_block* next;
};

struct pool {
  free_block* free[classes] = {};
  std::vector<void*> chunks;
  std::size_t first_size = 0;  // of chunks[0]
  std::size_t next_size = first_chunk;
  char* bump = nullptr;
  char* end = nullptr;
  std::size_t live = 0;

  ~pool() {
    for (void* c : chunks) std::free(c);
  }

  // With no live block, every chunk but the first goes back to the system and the first is
  // reused from its start: a program that makes one task at a time never refills.
  void reset() noexcept {
    for (std::size_t i = 1; i < chunks.size(); ++i) std::free(chunks[i]);
    chunks.resize(chunks.empty() ? 0 : 1);
    for (free_block*& f : free) f = nullptr;
    bump = chunks.empty() ? nullptr : static_cast<char*>(chunks[0]);
    end = chunks.empty() ? nullptr : bump + first_size;
  }

  void* refill(std::size_t bytes) {
    std::size_t size = next_size;
    void* c = std::aligned_alloc(size == huge_chunk ? huge_chunk : max_align, size);
    if (!c) throw std::bad_alloc();
    if (size == huge_chunk) madvise(c, size, MADV_HUGEPAGE);  // a hint; harmless without THP
    if (chunks.empty()) first_size = size;
    chunks.push_back(c);
    next_size = std::min(size * 2, huge_chunk);
    bump = static_cast<char*>(c) + bytes;
    end = static_cast<char*>(c) + size;
    return c;
  }
};

thread_local pool local_pool;

}  // namespace

void* frame_pool::allocate(std::size_t size) {
  if (size > max_pooled || bypass()) return ::operator new(size);
  pool& p = local_pool;
  std::size_t c = size_class(size);
  if (free_block* b = p.free[c]) {
    p.free[c] = b->next;
    ++p.live;
    return b;
  }
  std::size_t bytes = c * granule;
  // Chunks are 16-aligned: a block that must be skips at most an 8-byte gap.
  std::size_t skip =
      bytes % max_align == 0 ? reinterpret_cast<std::uintptr_t>(p.bump) % max_align : 0;
  void* r;
  if (static_cast<std::size_t>(p.end - p.bump) < skip + bytes) {
    r = p.refill(bytes);
  } else {
    r = p.bump + skip;
    p.bump += skip + bytes;
  }
  ++p.live;
  return r;
}

void frame_pool::deallocate(void* ptr, std::size_t size) noexcept {
  if (size > max_pooled || bypass()) {
    ::operator delete(ptr, size);
    return;
  }
  pool& p = local_pool;
  auto* b = static_cast<free_block*>(ptr);
  std::size_t c = size_class(size);
  b->next = p.free[c];
  p.free[c] = b;
  if (--p.live == 0) p.reset();
}

}  // namespace aioconform::impl
