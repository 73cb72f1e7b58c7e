#include "spec/model/frame_cache.h"

#include <new>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define AIOCONFORM_MODEL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIOCONFORM_MODEL_ASAN 1
#endif
#endif

namespace aioconform::model::frame_cache {
namespace {

struct bucket {
  std::size_t size;
  std::size_t count = 0;
  void* free[kept_per_size];
};

// Set while this thread's cache exists, so that a frame freed during thread exit, after
// the cache, goes to ::operator delete.
thread_local bool cache_alive = false;

// A proc's frame size is fixed per coroutine function, so there are few buckets and a
// linear search finds one quickly.
struct cache {
  std::vector<bucket> buckets;

  cache() { cache_alive = true; }
  ~cache() {
    cache_alive = false;
    for (bucket& b : buckets) {
      for (std::size_t i = 0; i < b.count; ++i) ::operator delete(b.free[i]);
    }
  }

  bucket* find(std::size_t size) noexcept {
    for (bucket& b : buckets) {
      if (b.size == size) return &b;
    }
    return nullptr;
  }
};

thread_local cache local_cache;

}  // namespace

void* allocate(std::size_t size) {
#ifndef AIOCONFORM_MODEL_ASAN
  cache& c = local_cache;
  if (bucket* b = c.find(size)) {
    if (b->count > 0) return b->free[--b->count];
  } else {
    c.buckets.push_back(bucket{size, 0, {}});  // so that deallocate, which cannot throw, finds it
  }
#endif
  return ::operator new(size);
}

void deallocate(void* p, [[maybe_unused]] std::size_t size) noexcept {
#ifndef AIOCONFORM_MODEL_ASAN
  if (cache_alive) {
    bucket* b = local_cache.find(size);
    if (b != nullptr && b->count < kept_per_size) {
      b->free[b->count++] = p;
      return;
    }
  }
#endif
  // Unsized: clang enables sized deallocation only with -fsized-deallocation.
  ::operator delete(p);
}

}  // namespace aioconform::model::frame_cache
