#pragma once

// The collection event_loop::close() makes: CPython's cyclic garbage collector, for the one
// kind of cycle a closed loop leaves behind. asyncio's loop holds its tasks weakly; a
// pending task lives on through the callbacks of what it waits for, and a combinator lives
// on through its children's callbacks while it holds the children (gather's outer future and
// its children, shield's two futures). Once the loop is closed nothing can finish them, and
// when nothing else refers to such a group the collector frees it: a pending task in it
// reports "Task was destroyed but it is pending!" (Task.__del__, run.reports.finalization).
// impl counts references, so without this a group held only by itself would live for ever.

#include <vector>

#include "impl/future.h"

namespace aioconform::impl {

/// What a done callback's registration keeps alive, for the collector. asyncio's callbacks
/// are closures the collector traverses; impl's are (fn, ctx) pairs it cannot see into, so a
/// combinator whose callbacks hold references declares them, once per `fn`. A callback with
/// no declaration holds nothing the collector may free: whatever it keeps alive counts as
/// referred to from outside (never collected by mistake, at worst not collected).
struct done_callback_refs {
  /// Each registration holds one reference to this future (gather's outer future), or null.
  future_base* (*held_future)(void* ctx) = nullptr;
  /// Or: `ctx` is owned by its registrations together and dies with the last (shield's
  /// link); appends the futures it holds a reference to.
  void (*owned_futures)(void* ctx, std::vector<future_base*>& out) = nullptr;
  /// Drops one registration that will never run, releasing what it holds.
  void (*discard)(void* ctx) noexcept = nullptr;
};

/// Declares what `fn`'s registrations hold (thread-safe; a later declaration replaces it).
void declare_done_callback_refs(done_fn fn, const done_callback_refs& refs);

namespace detail {
/// Drops a callback that will never run (the loop is closed with it queued, or the
/// collector clears its future): releases what its declaration says it holds, as dropping
/// asyncio's handle frees the closure. Does nothing for an undeclared `fn`.
void discard_done_callback(done_fn fn, void* ctx) noexcept;
}  // namespace detail

}  // namespace aioconform::impl
