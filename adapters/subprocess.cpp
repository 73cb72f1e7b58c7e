#include "adapters/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

extern char** environ;

namespace aioconform::adapters {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string errno_text(int error) {
  return std::system_category().message(error);
}

// Pipes are created close-on-exec so that a child spawned concurrently by another thread
// never inherits the ends meant for this child (it would keep them open past our close).
std::pair<int, int> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw subprocess_error(fmt::format("cannot create a pipe: {}", errno_text(errno)));
  }
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int remaining_ms(steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left.count());
}

exit_status decode_wait_status(int status) {
  exit_status result;
  if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    result.code = WEXITSTATUS(status);
  }
  return result;
}

// The child's environment: ours, with `overrides` replacing or adding variables.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view var(*entry);
    const auto eq = var.find('=');
    const std::string key(var.substr(0, eq));
    if (!overrides.contains(key)) env.emplace_back(var);
  }
  for (const auto& [key, value] : overrides) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Blocks SIGPIPE in the calling thread for the lifetime of the guard, and discards a SIGPIPE
// that a write raised meanwhile: the write's EPIPE already says the reader is gone.
class sigpipe_guard {
 public:
  sigpipe_guard() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
  }
  ~sigpipe_guard() {
    if (!was_pending_) {
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_set_, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  sigpipe_guard(const sigpipe_guard&) = delete;
  sigpipe_guard& operator=(const sigpipe_guard&) = delete;

 private:
  sigset_t pipe_set_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

}  // namespace

std::string exit_status::describe() const {
  if (!signaled) return fmt::format("exited with status {}", code);
  const char* abbrev = sigabbrev_np(signal);
  if (abbrev == nullptr) return fmt::format("was killed by signal {}", signal);
  return fmt::format("was killed by signal {} (SIG{})", signal, abbrev);
}

subprocess::subprocess(subprocess_options options)
    : options_(std::move(options)), stderr_tail_(options_.stderr_tail_bytes) {
  if (options_.argv.empty() || options_.argv.front().empty()) {
    throw subprocess_error("cannot start a child: empty command");
  }
  auto [stdin_read, stdin_write] = make_pipe();
  auto [stdout_read, stdout_write] = make_pipe();
  auto [stderr_read, stderr_write] = make_pipe();
  std::pair<int, int> wakeup{-1, -1};
  try {
    wakeup = make_pipe();
  } catch (...) {
    for (int fd : {stdin_read, stdin_write, stdout_read, stdout_write, stderr_read, stderr_write}) {
      ::close(fd);
    }
    throw;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stdout_write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_write, STDERR_FILENO);

  // The child starts with no blocked signals and default SIGPIPE handling, whatever this
  // process (or the thread that spawns it) has set up.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_strings = options_.argv;
  std::vector<std::string> env_strings = child_environment(options_.env);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  const bool has_slash = options_.argv.front().find('/') != std::string::npos;
  const int rc = has_slash
                     ? posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), envp.data())
                     : posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);

  for (int fd : {stdin_read, stdout_write, stderr_write}) ::close(fd);
  if (rc != 0) {
    for (int fd : {stdin_write, stdout_read, stderr_read, wakeup.first, wakeup.second}) {
      ::close(fd);
    }
    pid_ = -1;
    throw subprocess_error(
        fmt::format("cannot start '{}': {}", options_.argv.front(), errno_text(rc)));
  }
  stdin_fd_ = stdin_write;
  stdout_fd_ = stdout_read;
  stderr_fd_ = stderr_read;
  wakeup_read_fd_ = wakeup.first;
  wakeup_write_fd_ = wakeup.second;
  // Our ends only: the child's ends are separate open file descriptions and stay blocking.
  set_nonblocking(stdin_fd_);
  set_nonblocking(stdout_fd_);
  set_nonblocking(stderr_fd_);
  stderr_thread_ = std::thread([this] { drain_stderr(); });
}

subprocess::~subprocess() {
  stop();
  if (wakeup_write_fd_ >= 0) {
    const char byte = 0;
    [[maybe_unused]] const auto n = ::write(wakeup_write_fd_, &byte, 1);
  }
  if (stderr_thread_.joinable()) stderr_thread_.join();
  for (int* fd : {&stdin_fd_, &stdout_fd_, &stderr_fd_, &wakeup_read_fd_, &wakeup_write_fd_}) {
    close_fd(*fd);
  }
}

void subprocess::drain_stderr() {
  char chunk[16384];
  for (;;) {
    pollfd fds[2] = {{stderr_fd_, POLLIN, 0}, {wakeup_read_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) return;  // being destroyed
    const ssize_t n = ::read(stderr_fd_, chunk, sizeof chunk);
    if (n > 0) {
      std::lock_guard lock(stderr_mutex_);
      stderr_tail_.append(std::string_view(chunk, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    break;  // end of file or a read error: nothing more will come
  }
  std::lock_guard lock(stderr_mutex_);
  stderr_eof_ = true;
  stderr_eof_cv_.notify_all();
}

bool subprocess::write_line(std::string_view line, milliseconds timeout) {
  if (stdin_fd_ < 0) return false;
  const auto deadline = steady_clock::now() + timeout;
  std::string data(line);
  data.push_back('\n');
  sigpipe_guard guard;
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + written, data.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      // The pipe is full: wait until the child reads, or until it is gone.
      if (steady_clock::now() >= deadline) return false;
      pollfd fd{stdin_fd_, POLLOUT, 0};
      if (::poll(&fd, 1, std::min(remaining_ms(deadline), 100)) < 0 && errno != EINTR) {
        return false;
      }
      if (fd.revents & (POLLERR | POLLHUP)) return false;
      if (fd.revents == 0 && poll_exit().has_value()) return false;
      continue;
    }
    return false;  // EPIPE: the child closed its stdin
  }
  return true;
}

void subprocess::close_stdin() {
  close_fd(stdin_fd_);
}

subprocess::read_result subprocess::read_line(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  std::size_t scanned = 0;  // bytes of stdout_buffer_ known to hold no newline
  for (;;) {
    const auto newline = stdout_buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      if (newline > options_.max_line_bytes) return {read_status::too_long, {}};
      std::string line = stdout_buffer_.substr(0, newline);
      stdout_buffer_.erase(0, newline + 1);
      return {read_status::line, std::move(line)};
    }
    scanned = stdout_buffer_.size();
    if (stdout_buffer_.size() > options_.max_line_bytes) return {read_status::too_long, {}};
    if (stdout_fd_ < 0) return {read_status::eof, std::exchange(stdout_buffer_, {})};

    pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {options_.cancel_fd, POLLIN, 0}};
    const nfds_t count = options_.cancel_fd >= 0 ? 2 : 1;
    const int ready = ::poll(fds, count, remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) {
      throw subprocess_error(fmt::format("cannot poll a child's stdout: {}", errno_text(errno)));
    }
    if (count == 2 && fds[1].revents != 0) return {read_status::cancelled, {}};
    if (ready <= 0) {
      if (steady_clock::now() >= deadline) return {read_status::timeout, {}};
      continue;
    }
    char chunk[65536];
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      stdout_buffer_.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      close_fd(stdout_fd_);
    } else if (errno != EINTR && errno != EAGAIN) {
      close_fd(stdout_fd_);
    }
  }
}

std::optional<exit_status> subprocess::poll_exit() {
  if (exit_ || pid_ < 0) return exit_;
  int status = 0;
  const pid_t rc = ::waitpid(pid_, &status, WNOHANG);
  if (rc == pid_) {
    exit_ = decode_wait_status(status);
  } else if (rc < 0 && errno == ECHILD) {
    exit_ = exit_status{false, -1, 0};  // reaped elsewhere (SIGCHLD ignored): status unknown
  }
  return exit_;
}

std::optional<exit_status> subprocess::wait_exit(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  auto pause = milliseconds{1};
  for (;;) {
    if (auto status = poll_exit()) return status;
    const auto now = steady_clock::now();
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::min<steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, milliseconds{20});
  }
}

exit_status subprocess::kill() {
  if (auto status = poll_exit()) return *status;
  ::kill(pid_, SIGKILL);
  int status = 0;
  pid_t rc;
  do {
    rc = ::waitpid(pid_, &status, 0);
  } while (rc < 0 && errno == EINTR);
  exit_ = rc == pid_ ? decode_wait_status(status) : exit_status{true, 0, SIGKILL};
  return *exit_;
}

exit_status subprocess::stop() {
  if (pid_ < 0) return {};
  close_stdin();
  if (auto status = wait_exit(options_.kill_grace)) return *status;
  return kill();
}

std::string subprocess::stderr_tail(milliseconds settle) {
  std::unique_lock lock(stderr_mutex_);
  stderr_eof_cv_.wait_for(lock, settle, [this] { return stderr_eof_; });
  return stderr_tail_.str();
}

}  // namespace aioconform::adapters
