#include "conformance/progress_line.h"

#include <fmt/format.h>
#include <unistd.h>

namespace aioconform::conformance {

progress_line::progress_line(std::string label, std::size_t total, std::FILE* out,
                             double plain_interval)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      terminal_(::isatty(::fileno(out)) != 0),
      plain_interval_(plain_interval),
      started_(std::chrono::steady_clock::now()),
      last_draw_(started_) {}

progress_line::~progress_line() {
  clear();
}

std::string progress_line::text() const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0.0;
  return fmt::format("{}: {}/{} cases, {:.0f} cases/s, {} finding{}", label_, done_, total_, rate,
                     findings_, findings_ == 1 ? "" : "s");
}

void progress_line::case_done(bool finding) {
  std::lock_guard guard(lock_);
  ++done_;
  if (finding) ++findings_;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  // A terminal is redrawn at most 10 times a second: drawing is a write(2) per case otherwise.
  if (since >= (terminal_ ? 0.1 : plain_interval_) || (terminal_ && done_ == total_)) {
    last_draw_ = now;
    draw_locked();
  }
}

void progress_line::draw_locked() {
  if (terminal_) {
    fmt::print(out_, "\r\033[K{}", text());
    drawn_ = true;
  } else {
    fmt::print(out_, "{}\n", text());
  }
  std::fflush(out_);
}

void progress_line::clear() {
  std::lock_guard guard(lock_);
  if (terminal_ && drawn_) {
    fmt::print(out_, "\r\033[K");
    std::fflush(out_);
    drawn_ = false;
  }
}

}  // namespace aioconform::conformance
