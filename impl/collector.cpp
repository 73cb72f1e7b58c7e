#include "impl/collector.h"

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "impl/event_loop.h"
#include "impl/task.h"

namespace aioconform::impl {
namespace {

std::mutex& declarations_mutex() {
  static std::mutex m;
  return m;
}

std::vector<std::pair<done_fn, done_callback_refs>>& declarations() {
  static std::vector<std::pair<done_fn, done_callback_refs>> d;
  return d;
}

/// A copy of `fn`'s declaration, or nothing.
std::optional<done_callback_refs> refs_of(done_fn fn) {
  std::lock_guard lock(declarations_mutex());
  for (const auto& [f, refs] : declarations()) {
    if (f == fn) return refs;
  }
  return std::nullopt;
}

/// One object of the graph the collector walks: a future, or an object its callbacks own
/// together (a shield's link).
struct node {
  future_base* future = nullptr;  ///< null for an owned object
  std::size_t internal = 0;       ///< references to it from the walked objects
  bool reachable = false;
  std::vector<void*> out;  ///< what it refers to, as keys of the graph
};

/// The objects reachable from `held` through what the collector can see: gathering
/// futures' children (future_base::traverse) and the references of declared done
/// callbacks. Everything else that refers to them (a handle in a coroutine frame, in the
/// caller's hands) is outside, and makes them reachable.
class graph {
 public:
  explicit graph(const std::vector<future_base*>& held) {
    for (future_base* f : held) {
      visit_future(f);
      nodes_[f].internal += 1;  // the collector's own reference (the loop's, before)
    }
    while (!todo_.empty()) {
      void* key = todo_.back();
      todo_.pop_back();
      expand(key);
    }
  }

  /// The futures nothing outside the graph can reach, in the order they were found.
  std::vector<future_base*> garbage() {
    std::vector<void*> stack;
    for (void* key : order_) {
      node& n = nodes_[key];
      if (n.future && n.future->ref_count() > n.internal) {
        n.reachable = true;
        stack.push_back(key);
      }
    }
    while (!stack.empty()) {
      void* key = stack.back();
      stack.pop_back();
      for (void* to : nodes_[key].out) {
        node& m = nodes_[to];
        if (m.reachable) continue;
        m.reachable = true;
        stack.push_back(to);
      }
    }
    std::vector<future_base*> out;
    for (void* key : order_) {
      const node& n = nodes_[key];
      if (n.future && !n.reachable) out.push_back(n.future);
    }
    return out;
  }

 private:
  void visit_future(future_base* f) {
    auto [it, fresh] = nodes_.try_emplace(f);
    if (!fresh) return;
    it->second.future = f;
    order_.push_back(f);
    todo_.push_back(f);
  }

  void edge(void* from, future_base* to) {
    visit_future(to);
    nodes_[to].internal += 1;
    nodes_[from].out.push_back(to);
  }

  void expand(void* key) {
    future_base* f = nodes_[key].future;
    if (!f) return;
    std::vector<future_base*> targets;
    f->traverse(targets);
    for (future_base* t : targets) edge(f, t);
    for (const auto& [fn, ctx] : f->done_callbacks()) {
      std::optional<done_callback_refs> refs = refs_of(fn);
      if (!refs) continue;
      if (refs->held_future) edge(f, refs->held_future(ctx));
      if (refs->owned_futures) {
        nodes_[f].out.push_back(ctx);
        auto [it, fresh] = nodes_.try_emplace(ctx);
        if (!fresh) continue;
        order_.push_back(ctx);
        std::vector<future_base*> owned;
        refs->owned_futures(ctx, owned);
        for (future_base* t : owned) edge(ctx, t);
      }
    }
  }

  std::unordered_map<void*, node> nodes_;
  std::vector<void*> order_;  // discovery order, for a deterministic result
  std::vector<void*> todo_;
};

/// tp_clear on a group of garbage futures: each drops its declared callbacks and what it
/// holds itself, so that the group's references to one another go; then the collector's
/// own references go and the group is destroyed the usual way, each pending task reporting
/// "Task was destroyed but it is pending!" and each unretrieved exception being reported.
void clear(const std::vector<future_base*>& garbage) {
  for (future_base* f : garbage) f->add_ref();  // none is destroyed before all are cleared
  for (future_base* f : garbage) {
    for (const auto& [fn, ctx] : f->done_callbacks()) {
      std::optional<done_callback_refs> refs = refs_of(fn);
      if (!refs || !refs->discard) continue;
      for (std::size_t n = f->remove_done_callback(fn, ctx); n > 0; --n) {
        detail::discard_done_callback(fn, ctx);
      }
    }
    f->clear_references();
  }
  for (future_base* f : garbage) f->release();
}

/// Lets go of the tasks in `held` that only the collector holds, until none is left:
/// destroying one may leave others held by the collector alone.
void release_unshared(std::vector<future_base*>& held) {
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < held.size();) {
      if (held[i]->ref_count() != 1) {
        ++i;
        continue;
      }
      future_base* f = held[i];
      held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
      f->release();
      progress = true;
    }
  }
}

}  // namespace

void declare_done_callback_refs(done_fn fn, const done_callback_refs& refs) {
  std::lock_guard lock(declarations_mutex());
  for (auto& [f, r] : declarations()) {
    if (f == fn) {
      r = refs;
      return;
    }
  }
  declarations().emplace_back(fn, refs);
}

namespace detail {

void discard_done_callback(done_fn fn, void* ctx) noexcept {
  std::optional<done_callback_refs> refs;
  try {
    refs = refs_of(fn);
  } catch (...) {  // the mutex failed: leak rather than crash
    return;
  }
  if (refs && refs->discard) refs->discard(ctx);
}

void close_tasks(std::vector<task_link*> tasks) noexcept {
  // The loop's references to its pending tasks become the collector's.
  std::vector<future_base*> held;
  held.reserve(tasks.size());
  for (task_link* t : tasks) held.push_back(static_cast<task_base*>(t));
  for (;;) {
    release_unshared(held);
    if (held.empty()) return;
    std::vector<future_base*> garbage;
    try {
      garbage = graph(held).garbage();
    } catch (...) {  // out of memory: leave the cycles be
      break;
    }
    if (garbage.empty()) break;
    clear(garbage);
  }
  // What is left is held from outside (or through what the collector cannot see).
  for (future_base* f : held) f->release();
}

}  // namespace detail
}  // namespace aioconform::impl
