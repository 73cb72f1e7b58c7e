// asyncio.as_completed (tasks.py): a generator over a Queue of completed futures until 3.12,
// the _AsCompletedIterator from 3.13 (which adds `async for` yielding the futures
// themselves); consumed as the adapter does, recording one `yield` per item.

#include <deque>
#include <memory>
#include <string_view>

#include "spec/model/combinators.h"
#include "spec/model/json_object.h"

namespace aioconform::model {
namespace {

/// asyncio.Queue, reduced to what as_completed uses: put_nowait and get. An empty slot
/// (nullopt) is the timeout's None sentinel.
struct queue {
  std::deque<std::optional<fid>> items;
  std::deque<fid> getters;

  static void wakeup_next(world& w, std::deque<fid>& waiters) {
    while (!waiters.empty()) {
      fid waiter = waiters.front();
      waiters.pop_front();
      if (!w.done(waiter)) {
        w.set_result(waiter, nullptr, "as_completed.order");
        break;
      }
    }
  }
  void put_nowait(world& w, std::optional<fid> item) {
    items.push_back(item);
    wakeup_next(w, getters);
  }
};

proc queue_get(world& w, std::shared_ptr<queue> q) {
  while (q->items.empty()) {
    fid getter = w.create_future();
    q->getters.push_back(getter);
    if (outcome woken = co_await w.wait(getter); woken.raised()) {
      w.future_cancel(getter, std::nullopt, "as_completed.timeout.no-cancel");
      std::erase(q->getters, getter);
      if (!q->items.empty() && !w.cancelled(getter)) queue::wakeup_next(w, q->getters);
      co_return woken;
    }
  }
  std::optional<fid> item = q->items.front();
  q->items.pop_front();
  co_return item ? json(*item) : json(nullptr);
}

/// The shared state of one as_completed call.
struct iterator_state {
  std::shared_ptr<queue> done = std::make_shared<queue>();
  std::vector<fid> todo;  ///< in set order
  std::vector<std::pair<fid, std::uint64_t>> callbacks;
  handle_ref timeout_handle;
  std::size_t todo_left = 0;
};

/// _wait_for_one: the next completed future (or raises TimeoutError).
proc wait_for_one(world& w, std::shared_ptr<iterator_state> it) {
  outcome f = co_await queue_get(w, it->done);
  // The timeout's None sentinel (as_completed.timeout).
  if (!f.raised() && f.value.is_null()) co_return py_raise{w.make_timeout_error()};
  co_return f;
}

std::shared_ptr<iterator_state> start(interpreter& in, const std::vector<awaitable>& children,
                                      std::optional<std::int64_t> timeout) {
  world& w = in.w;
  auto it = std::make_shared<iterator_state>();
  std::vector<fid> wrapped;
  for (const awaitable& a : children) {
    if (a.coroutine) w.exercise("as_completed.coroutines");
    wrapped.push_back(in.ensure_future(a));  // as_completed.coroutines
  }
  it->todo = as_python_set(w, wrapped);  // as_completed.duplicates
  if (it->todo.size() < wrapped.size()) w.exercise("as_completed.duplicates");
  if (it->todo.empty()) w.exercise("as_completed.empty");
  // Children done at the call report in set order, which is open (as_completed.order); the
  // order of the others' callbacks does not show.
  std::vector<fid> done_now;
  for (fid f : it->todo) {
    if (w.done(f)) done_now.push_back(f);
  }
  if (done_now.size() > 1) {
    done_now = w.set_order(done_now);
    std::vector<fid> rest;
    for (fid f : it->todo) {
      if (!w.done(f)) rest.push_back(f);
    }
    it->todo = done_now;
    it->todo.insert(it->todo.end(), rest.begin(), rest.end());
  }
  std::weak_ptr<iterator_state> weak = it;
  for (fid f : it->todo) {
    it->callbacks.emplace_back(f, w.add_done_callback(f, [&w, weak](fid done) {
      auto st = weak.lock();
      if (!st || st->todo.empty()) return;  // the timeout was here first
      std::erase(st->todo, done);
      st->done->put_nowait(w, done);
      if (st->todo.empty() && st->timeout_handle) st->timeout_handle->cancelled = true;
    }));
  }
  if (!it->todo.empty() && timeout) {
    it->timeout_handle = w.call_later(
        *timeout,
        [&w, weak] {
          auto st = weak.lock();
          if (!st) return;
          // as_completed.timeout.no-cancel: the children keep running.
          if (!st->todo.empty()) w.exercise("as_completed.timeout.no-cancel");
          for (fid f : st->todo) {
            for (auto [g, id] : st->callbacks) {
              if (g == f) w.remove_done_callback(f, id);
            }
            st->done->put_nowait(w, std::nullopt);
          }
          st->todo.clear();
        },
        "as_completed.timeout");
  }
  it->todo_left = it->todo.size();
  return it;
}

}  // namespace

// No children: no items (as_completed.empty). An item is a new awaitable, not the child
// (as_completed.item.not-identity), except in the 3.13 async-for form that yields the futures
// (as_completed.async-for). TimeoutError is asyncio's own class until 3.10
// (as_completed.timeout.class).
proc as_completed(interpreter& in, std::string exec_name, std::string path,
                  std::vector<awaitable> children, std::optional<std::int64_t> timeout,
                  format::as_completed_form form) {
  world& w = in.w;
  json outcomes = json::array();
  auto it = start(in, children, timeout);
  for (std::size_t i = 0; it->todo_left > 0; ++i) {
    --it->todo_left;
    json item_outcome;  // as the trace records it
    py_exception err;
    std::optional<std::string> future_name;
    const char* clause = "as_completed.order";
    if (form == format::as_completed_form::async_for) {
      // __anext__ awaits the next future outside the item's try (as_completed.async-for.timeout)
      outcome next = co_await wait_for_one(w, it);
      if (next.raised()) {
        w.exercise("as_completed.async-for.timeout");
        w.exercise("as_completed.timeout.class");
        co_return next;
      }
      // The children themselves, in completion order (as_completed.async-for).
      w.exercise("as_completed.async-for");
      fid item = next.value.get<fid>();
      future_name = in.name_of(item);
      outcome v = co_await w.wait(item);
      err = v.exception;
      if (!err) item_outcome = {{"result", std::move(v.value)}};
    } else {
      outcome next = co_await wait_for_one(w, it);
      err = next.exception;
      if (!err) {
        // The item is a new coroutine, not the child (as_completed.item.not-identity).
        w.exercise("as_completed.item.not-identity");
        outcome v = w.result(next.value.get<fid>());  // as_completed.exception.per-item
        err = v.exception;
        if (!err) item_outcome = {{"result", std::move(v.value)}};
      }
    }
    if (err) {
      item_outcome = exception_outcome(err);
      clause = err->type == "TimeoutError" || err->type == "asyncio.exceptions.TimeoutError"
                   ? "as_completed.timeout"
                   : "as_completed.exception.per-item";
      if (std::string_view(clause) == "as_completed.timeout") {
        w.exercise("as_completed.timeout.class");
      }
    }
    json fields = json_object("at", path, "i", i, "outcome", item_outcome);
    if (future_name) fields["future"] = *future_name;
    if (err && is_cancelled_error(err)) {
      w.record(exec_name, "yield", std::move(fields), "as_completed.child-cancelled");
      co_return py_raise{err};
    }
    w.record(exec_name, "yield", std::move(fields), clause);
    outcomes.push_back(std::move(item_outcome));
  }
  in.decide("as_completed.order");
  co_return outcomes;
}

}  // namespace aioconform::model
