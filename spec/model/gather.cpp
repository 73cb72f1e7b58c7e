// asyncio.gather (tasks.py: gather, _GatheringFuture), per profile.

#include <algorithm>
#include <memory>

#include "spec/model/combinators.h"

namespace aioconform::model {
namespace {

/// The closure gather's _done_callback keeps.
struct gather_state {
  fid outer = 0;
  bool outer_exists = false;
  std::vector<fid> children;
  int nfuts = 0;
  int nfinished = 0;
  bool return_exceptions = false;
};

json result_item(world& w, fid child) {
  if (w.cancelled(child)) {
    // gather.child-cancelled: a CancelledError carrying the child's message (3.9+)
    std::string msg = w.at_least(9) ? w.at(child).cancel_message.value_or("") : "";
    return {{"$exception", encode_exception(make_cancelled_error(msg))}};
  }
  py_exception e = w.exception(child);
  if (e) return {{"$exception", encode_exception(e)}};
  return w.result(child).value;  // neither cancelled nor failed
}

void on_child_done(world& w, const std::shared_ptr<gather_state>& g, fid fut) {
  ++g->nfinished;
  if (!g->outer_exists || w.done(g->outer)) {
    // gather.exception.later-retrieved
    if (!w.cancelled(fut) && w.exception(fut)) w.exercise("gather.exception.later-retrieved");
    return;
  }
  if (!g->return_exceptions) {
    if (w.cancelled(fut)) {
      py_exception exc = w.at_least(9) ? w.make_cancelled_error(fut) : make_cancelled_error();
      w.exercise("task.cancel.message.awaiter");  // the child's cancellation, re-raised
      w.set_exception(g->outer, exc, "gather.child-cancelled");
      if (w.at(g->outer).cancel_requested) {
        w.exercise("gather.cancel.completion");
        // 3.9+: the error of the child that ended it, with the gather's message
        // (gather.cancel.message).
        if (w.at_least(9)) w.exercise("gather.cancel.message");
      }
      if (g->nfinished < g->nfuts) w.exercise("gather.exception.others-keep-running");
      return;
    }
    py_exception exc = w.exception(fut);
    if (exc) {
      w.set_exception(g->outer, exc, "gather.exception.first-propagates");
      if (w.at(g->outer).cancel_requested) w.exercise("gather.cancel.completion");
      if (g->nfinished < g->nfuts) w.exercise("gather.exception.others-keep-running");
      return;
    }
  }
  if (g->nfinished == g->nfuts) {
    json results = json::array();
    for (fid c : g->children) results.push_back(result_item(w, c));
    if (w.at(g->outer).cancel_requested) {
      // gather.cancel.outer-done-not-cancelled; 3.9+ takes the message of the last child
      // in argument order (gather.cancel.message).
      py_exception exc =
          w.at_least(9) ? w.make_cancelled_error(g->children.back()) : make_cancelled_error();
      w.set_exception(g->outer, exc, "gather.cancel.outer-done-not-cancelled");
      w.exercise("gather.cancel.completion");
      if (g->return_exceptions) w.exercise("gather.cancel.overrides-return-exceptions");
      if (w.at_least(9)) w.exercise("gather.cancel.message");
      if (std::none_of(g->children.begin(), g->children.end(),
                       [&w](fid c) { return w.cancelled(c) || w.at(c).exception; })) {
        w.exercise("gather.cancel.child-swallows");
      }
    } else {
      w.set_result(g->outer, std::move(results),
                   g->return_exceptions ? "gather.return-exceptions" : "gather.order");
    }
  }
}

}  // namespace

// gather returns a future at once (gather.future); a nested gather is a child future like any other
// (gather.nested). A failure leaves the other children running
// (gather.exception.others-keep-running); once cancelled, the outer future ends when every child
// has (gather.cancel.completion) with CancelledError even under return_exceptions
// (gather.cancel.overrides-return-exceptions), or with the results when all children swallowed it
// (gather.cancel.child-swallows).
fid gather(interpreter& in, const std::vector<awaitable>& children, bool return_exceptions) {
  world& w = in.w;
  w.exercise("gather.future");
  if (children.empty()) {
    fid outer = w.create_future();
    w.set_result(outer, json::array(), "gather.empty");
    return outer;
  }
  auto g = std::make_shared<gather_state>();
  g->return_exceptions = return_exceptions;
  std::vector<std::pair<const void*, fid>> arg_to_fut;
  std::vector<fid> done_futs;
  for (const awaitable& a : children) {
    const void* key = a.future ? static_cast<const void*>(&w.at(*a.future)) : a.coroutine.get();
    std::optional<fid> known;
    for (auto& [k, f] : arg_to_fut) {
      if (k == key) known = f;  // gather.duplicates
    }
    if (known) {
      w.exercise("gather.duplicates");
      g->children.push_back(*known);
      continue;
    }
    if (a.coroutine) w.exercise("gather.wraps-coroutines");
    fid fut = in.ensure_future(a);  // gather.wraps-coroutines
    if (w.at(fut).kind == future_kind::gathering) w.exercise("gather.nested");
    if (a.coroutine) w.at(fut).task->log_destroy_pending = false;
    ++g->nfuts;
    arg_to_fut.emplace_back(key, fut);
    if (w.at_least(12) && w.done(fut)) {
      done_futs.push_back(fut);  // gather.done-children
      w.exercise("gather.done-children");
    } else {
      // 3.8-3.11 see a done child through a callback queued at once (gather.done-children).
      if (w.done(fut)) w.exercise("gather.done-children");
      w.add_done_callback(fut, [&w, g](fid f) { on_child_done(w, g, f); });
    }
    g->children.push_back(fut);
  }
  g->outer = w.create_future();
  g->outer_exists = true;
  w.at(g->outer).kind = future_kind::gathering;
  w.at(g->outer).children = g->children;
  for (fid f : done_futs) on_child_done(w, g, f);
  return g->outer;
}

}  // namespace aioconform::model
