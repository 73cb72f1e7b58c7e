#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/tail_buffer.h"

namespace aioconform::adapters {

/// Spawning a child failed (no such program, no permission, out of resources).
class subprocess_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How a child ended.
struct exit_status {
  bool signaled = false;  // killed by a signal rather than exiting
  int code = 0;           // exit status when !signaled
  int signal = 0;         // signal number when signaled

  /// "exited with status 3" or "was killed by signal 11 (SIGSEGV)".
  std::string describe() const;
};

struct subprocess_options {
  std::vector<std::string> argv{};           // argv[0] is looked up in PATH when it has no '/'
  std::map<std::string, std::string> env{};  // set on top of this process's environment
  std::size_t max_line_bytes = std::size_t{64} << 20;  // a longer stdout line is an error
  std::size_t stderr_tail_bytes = std::size_t{64} << 10;
  std::chrono::milliseconds kill_grace{500};  // after closing stdin, before SIGKILL
  // When this descriptor becomes readable, read_line gives up with read_status::cancelled:
  // an interrupted run (cli/interrupt.h) must not wait out a hung child. -1: none.
  int cancel_fd = -1;
};

/// A child process with pipes on its stdin, stdout and stderr.
///
/// Invariant: while the object lives, the child is either running or reaped exactly once;
/// the destructor always leaves it reaped (no zombie) and every pipe closed (no fd leak).
/// stderr is drained by a thread into a bounded tail_buffer, so a chatty child never blocks
/// on a full pipe. Writes never raise SIGPIPE in this process; a closed stdin is reported.
class subprocess {
 public:
  /// Spawns the child. Throws subprocess_error when it cannot be started.
  explicit subprocess(subprocess_options options);
  ~subprocess();
  subprocess(const subprocess&) = delete;
  subprocess& operator=(const subprocess&) = delete;

  pid_t pid() const { return pid_; }

  /// Writes `line` and a newline to the child's stdin. False when the child no longer reads:
  /// its end of the pipe is closed, or a full pipe did not drain within `timeout`.
  bool write_line(std::string_view line,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{30000});

  /// Closes the child's stdin: end of input.
  void close_stdin();

  enum class read_status {
    line,       // a complete line, without its newline
    timeout,    // no complete line before the deadline
    eof,        // stdout closed; `line` holds any unterminated rest
    too_long,   // the line exceeds max_line_bytes; the stream cannot be trusted any more
    cancelled,  // options.cancel_fd became readable before a complete line
  };
  struct read_result {
    read_status status;
    std::string line;
  };

  /// Reads one line from the child's stdout, waiting at most `timeout`.
  read_result read_line(std::chrono::milliseconds timeout);

  /// The child's exit status if it has ended (reaps it), without waiting.
  std::optional<exit_status> poll_exit();

  /// Waits up to `timeout` for the child to end by itself.
  std::optional<exit_status> wait_exit(std::chrono::milliseconds timeout);

  /// Ends the child now: SIGKILL, then reaps it. Idempotent.
  exit_status kill();

  /// Closes stdin, lets the child exit within kill_grace, then kills it.
  exit_status stop();

  /// The last stderr_tail_bytes the child wrote to stderr. Waits up to `settle` for the
  /// child's stderr to reach end of file, so a crash message written just before exiting is
  /// included.
  std::string stderr_tail(std::chrono::milliseconds settle = std::chrono::milliseconds{0});

 private:
  void drain_stderr();

  subprocess_options options_;
  pid_t pid_ = -1;
  std::optional<exit_status> exit_;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int wakeup_read_fd_ = -1;  // wakes the stderr thread when the object is destroyed
  int wakeup_write_fd_ = -1;
  std::string stdout_buffer_;  // bytes read past the last returned line

  std::mutex stderr_mutex_;
  std::condition_variable stderr_eof_cv_;
  tail_buffer stderr_tail_;
  bool stderr_eof_ = false;
  std::thread stderr_thread_;
};

}  // namespace aioconform::adapters
