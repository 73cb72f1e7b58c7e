#include "impl/future.h"

#include <algorithm>

namespace aioconform::impl {

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
  return exception_;
}

void future_base::set_exception(std::exception_ptr e) {
  require_pending("set_exception");
  exception_ = std::move(e);
  log_traceback_ = true;
  mark_done(state::finished);
}

std::exception_ptr future_base::make_cancelled_error() const {
  if (exception_) return exception_;
  return std::make_exception_ptr(cancelled_error(cancel_message()));
}

const std::string& future_base::cancel_message() const noexcept {
  static const std::string empty;
  return cancel_message_ ? *cancel_message_ : empty;
}

void future_base::set_cancel_message(std::string msg) {
  if (msg.empty()) {
    cancel_message_.reset();
  } else if (cancel_message_) {
    *cancel_message_ = std::move(msg);
  } else {
    cancel_message_ = std::make_unique<std::string>(std::move(msg));
  }
}

void future_base::add_done_callback(done_fn fn, void* ctx) {
  if (done()) {
    add_ref();
    loop_->call_soon(callback{fn, ctx, this});
  } else if (!first_.fn) {
    first_ = {fn, ctx};
  } else {
    if (!more_) more_ = std::make_unique<std::vector<registration>>();
    more_->push_back({fn, ctx});
  }
}

std::size_t future_base::remove_done_callback(done_fn fn, void* ctx) {
  auto matches = [&](const registration& r) { return r.fn == fn && r.ctx == ctx; };
  std::size_t n = 0;
  if (more_) {
    auto it = std::remove_if(more_->begin(), more_->end(), matches);
    n = static_cast<std::size_t>(more_->end() - it);
    more_->erase(it, more_->end());
  }
  if (first_.fn && matches(first_)) {
    ++n;
    first_ = {};
    if (more_ && !more_->empty()) {
      first_ = more_->front();
      more_->erase(more_->begin());
    }
  }
  return n;
}

void future_base::release() noexcept {
  if (--refs_ != 0) return;
  if (log_traceback_ && loop_) {
    // futures.py: Future.__del__ (task.never-retrieved).
    try {
      loop_->call_exception_handler(
          {std::string(kind()) + " exception was never retrieved", exception_});
    } catch (...) {
    }
  }
  destroy();
}

void future_base::mark_done(state s) {
  state_ = s;
  if (!first_.fn) return;
  add_ref();
  loop_->call_soon(callback{first_.fn, first_.ctx, this});
  first_ = {};
  if (!more_) return;
  for (const registration& r : *more_) {
    add_ref();
    loop_->call_soon(callback{r.fn, r.ctx, this});
  }
  more_.reset();
}

void future_base::require_pending(const char* what) const {
  if (done()) throw invalid_state_error(std::string(what) + ": invalid state");
}

void future_base::check_result() {
  if (cancelled()) std::rethrow_exception(make_cancelled_error());
  if (!done()) throw invalid_state_error("Result is not set.");
  log_traceback_ = false;
  if (exception_) std::rethrow_exception(exception_);
}

}  // namespace aioconform::impl
