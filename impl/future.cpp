#include "impl/future.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <utility>

#include "impl/collector.h"

namespace aioconform::impl {
namespace {

// The done-callback functions that a future's first callback can name by index (1..6), in
// order of first use: a handful in practice (a task's wakeup, a gather's, a wait's...).
// Process-wide because a future may get its callback before it has a loop; the slots only
// ever go from empty to a function, so threads agree through compare-exchange.
std::array<std::atomic<done_fn>, 7> known_done_fns{};

// `fn`'s index in known_done_fns (claiming a free slot), or 0 when all slots are taken.
std::uintptr_t known_index(done_fn fn) noexcept {
  for (std::uintptr_t i = 1; i < known_done_fns.size(); ++i) {
    done_fn seen = known_done_fns[i].load(std::memory_order_acquire);
    if (seen == nullptr &&
        known_done_fns[i].compare_exchange_strong(seen, fn, std::memory_order_acq_rel)) {
      return i;
    }
    if (seen == fn) return i;
  }
  return 0;
}

}  // namespace

bool future_base::cancel(std::string msg) {
  log_traceback_ = false;
  if (done()) return false;
  set_cancel_message(std::move(msg));
  mark_done(state::cancelled);
  return true;
}

std::exception_ptr future_base::exception() {
  if (cancelled()) std::rethrow_exception(make_cancelled_error());
  if (!done()) throw invalid_state_error("Exception is not set.");
  log_traceback_ = false;
  return held_exception();
}

void future_base::set_exception(std::exception_ptr e) {
  require_pending("set_exception");
  set_held_exception(std::move(e));
  log_traceback_ = true;
  mark_done(state::finished);
}

std::exception_ptr future_base::make_cancelled_error() {
  // 3.11+ futures.py _make_cancelled_error returns _cancelled_exc and clears it, so only
  // the first retrieval sees it; later ones get a new error with the cancel message.
  if (std::exception_ptr saved = take_held_exception()) return saved;
  return std::make_exception_ptr(cancelled_error(cancel_message()));
}

future_base::rare& future_base::rare_data() {
  if (!rare_) rare_ = std::make_unique<rare>();
  return *rare_;
}

const std::string& future_base::cancel_message() const noexcept {
  static const std::string empty;
  return rare_ ? rare_->cancel_message : empty;
}

void future_base::set_cancel_message(std::string msg) {
  if (!msg.empty() || rare_) rare_data().cancel_message = std::move(msg);
}

const std::exception_ptr& future_base::held_exception() const noexcept {
  static const std::exception_ptr none;
  return rare_ ? rare_->exception : none;
}

void future_base::set_held_exception(std::exception_ptr e) {
  if (e || rare_) rare_data().exception = std::move(e);
}

std::exception_ptr future_base::take_held_exception() noexcept {
  return rare_ ? std::exchange(rare_->exception, nullptr) : nullptr;
}

void future_base::set_num_cancels_requested(int n) {
  if (n != 0 || rare_) rare_data().num_cancels_requested = n;
}

future_base::registration future_base::first_callback() const noexcept {
  if (first_ == 0) return {};
  std::uintptr_t i = first_ & callback_index_bits;
  if (i == wide_first_tag) return rare_->wide_first;
  return {known_done_fns[i].load(std::memory_order_relaxed),
          reinterpret_cast<void*>(first_ & ~callback_index_bits)};
}

void future_base::set_first_callback(registration r) {
  auto address = reinterpret_cast<std::uintptr_t>(r.ctx);
  if (!r.fn) {
    first_ = 0;
  } else if (std::uintptr_t i = (address & callback_index_bits) == 0 ? known_index(r.fn) : 0) {
    first_ = address | i;
  } else {
    rare_data().wide_first = r;
    first_ = wide_first_tag;
  }
}

void future_base::add_done_callback(done_fn fn, void* ctx) {
  if (done()) {
    add_ref();
    loop_->call_soon(callback{fn, ctx, this});
  } else if (first_ == 0) {
    set_first_callback({fn, ctx});
  } else {
    rare_data().more_callbacks.push_back({fn, ctx});
  }
}

std::size_t future_base::remove_done_callback(done_fn fn, void* ctx) {
  if (done()) return 0;
  auto matches = [&](const registration& r) { return r.fn == fn && r.ctx == ctx; };
  std::size_t n = 0;
  std::vector<registration>* more = rare_ ? &rare_->more_callbacks : nullptr;
  if (more) {
    auto it = std::remove_if(more->begin(), more->end(), matches);
    n = static_cast<std::size_t>(more->end() - it);
    more->erase(it, more->end());
  }
  if (first_ != 0 && matches(first_callback())) {
    ++n;
    first_ = 0;
    if (more && !more->empty()) {
      set_first_callback(more->front());
      more->erase(more->begin());
    }
  }
  return n;
}

std::vector<std::pair<done_fn, void*>> future_base::done_callbacks() const {
  std::vector<std::pair<done_fn, void*>> out;
  if (done() || first_ == 0) return out;
  registration first = first_callback();
  out.emplace_back(first.fn, first.ctx);
  if (rare_) {
    for (const registration& r : rare_->more_callbacks) out.emplace_back(r.fn, r.ctx);
  }
  return out;
}

void future_base::traverse(std::vector<future_base*>&) const {}

void future_base::release() noexcept {
  if (--refs_ != 0) return;
  if (is_task_ && !inline_ && loop_ && state_ == state::pending && log_destroy_pending_) {
    // tasks.py: Task.__del__ (only a closed loop lets go of a scheduled pending task).
    try {
      loop_->call_exception_handler({"Task was destroyed but it is pending!", nullptr, this});
    } catch (...) {
    }
  } else if (log_traceback_ && loop_) {
    // futures.py: Future.__del__ (task.never-retrieved).
    try {
      loop_->call_exception_handler(
          {std::string(kind()) + " exception was never retrieved", held_exception(), this});
    } catch (...) {
    }
  }
  destroy();
}

void future_base::mark_done(state s) {
  state_ = s;
  if (first_ == 0) return;
  add_ref();  // held by the entry
  loop_->call_soon(&future_base::run_done_callbacks, this);
}

void future_base::run_done_callbacks(void* self, bool run) {
  auto* f = static_cast<future_base*>(self);
  struct release_guard {
    future_base* f;
    ~release_guard() { f->release(); }
  } guard{f};
  registration first = f->first_callback();
  f->first_ = 0;
  std::vector<registration> more;
  if (f->rare_) more.swap(f->rare_->more_callbacks);
  if (!run) {
    // The loop is closed with them queued: what they hold goes (collector.h).
    detail::discard_done_callback(first.fn, first.ctx);
    for (const registration& r : more) detail::discard_done_callback(r.fn, r.ctx);
    return;
  }
  std::size_t next = 0;  // which one runs: 0 is `first`, k > 0 is more[k - 1]
  try {
    for (; next <= more.size(); ++next) {
      const registration& r = next == 0 ? first : more[next - 1];
      r.fn(r.ctx, f);
    }
  } catch (...) {
    // Each is its own handle in asyncio: those after the one that threw stay queued, first
    // in line, as their handles would.
    if (++next <= more.size()) {
      f->set_first_callback(more[next - 1]);
      more.erase(more.begin(), more.begin() + static_cast<std::ptrdiff_t>(next));
      f->rare_data().more_callbacks = std::move(more);
      f->add_ref();
      f->loop_->call_soon_first(&future_base::run_done_callbacks, f);
    }
    throw;
  }
}

void future_base::require_pending(const char* what) const {
  if (done()) throw invalid_state_error(std::string(what) + ": invalid state");
}

void future_base::check_result() {
  if (std::exception_ptr e = result_exception()) std::rethrow_exception(std::move(e));
}

std::exception_ptr future_base::result_exception() {
  if (cancelled()) return make_cancelled_error();
  if (!done()) return std::make_exception_ptr(invalid_state_error("Result is not set."));
  log_traceback_ = false;
  return held_exception();
}

}  // namespace aioconform::impl
