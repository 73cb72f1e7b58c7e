#pragma once

// progress_line: how far a check run is, on stderr. On a terminal one line overwritten in
// place (\r) a few times a second: cases done of total, the rate, findings so far. When
// stderr is not a terminal (CI logs, pipes) plain lines instead, at most one every
// `plain_interval` seconds, so a log shows the run is alive without being flooded.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace aioconform::conformance {

class progress_line {
 public:
  /// `label` names the run ("cpython-3.12"); `total` is the number of cases it will try.
  progress_line(std::string label, std::size_t total, std::FILE* out = stderr,
                double plain_interval = 10.0);
  ~progress_line();
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  /// One more case done; thread-safe.
  void case_done(bool finding);

  /// Clears the in-place line (before printing a finding) so text does not interleave.
  void clear();

  /// The line as it reads now (for tests and the final summary).
  [[nodiscard]] std::string text() const;

 private:
  void draw_locked();

  std::string label_;
  std::size_t total_;
  std::FILE* out_;
  bool terminal_;
  double plain_interval_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  std::size_t done_ = 0;
  std::size_t findings_ = 0;
  bool drawn_ = false;
  mutable std::mutex lock_;
};

}  // namespace aioconform::conformance
