#include "adapters/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace aioconform::adapters {
namespace {

using namespace std::chrono_literals;
using read_status = subprocess::read_status;

subprocess sh(const std::string& script, subprocess_options options = {}) {
  options.argv = {"/bin/sh", "-c", script};
  return subprocess(std::move(options));
}

std::size_t open_fd_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

TEST(subprocess, echoes_lines_through_stdin_and_stdout) {
  auto child = sh("cat");
  ASSERT_TRUE(child.write_line("hello"));
  ASSERT_TRUE(child.write_line("{\"id\": 1}"));
  auto first = child.read_line(2s);
  EXPECT_EQ(first.status, read_status::line);
  EXPECT_EQ(first.line, "hello");
  EXPECT_EQ(child.read_line(2s).line, "{\"id\": 1}");
  child.close_stdin();
  EXPECT_EQ(child.read_line(2s).status, read_status::eof);
  const auto status = child.wait_exit(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_FALSE(status->signaled);
  EXPECT_EQ(status->code, 0);
}

TEST(subprocess, read_line_times_out_without_blocking) {
  auto child = sh("exec sleep 10");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(child.read_line(100ms).status, read_status::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(subprocess, a_readable_cancel_fd_ends_a_wait_at_once) {
  int wake[2];
  ASSERT_EQ(::pipe(wake), 0);
  auto child = sh("exec sleep 10", {.cancel_fd = wake[0]});
  std::thread waker([&] {
    std::this_thread::sleep_for(100ms);
    const char byte = 1;
    EXPECT_EQ(::write(wake[1], &byte, 1), 1);
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(child.read_line(10s).status, read_status::cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  waker.join();
  // It stays readable (nobody drains it): every later wait is cancelled too.
  EXPECT_EQ(child.read_line(10s).status, read_status::cancelled);
  ::close(wake[0]);
  ::close(wake[1]);
}

TEST(subprocess, reports_exit_status_and_signal) {
  auto exits = sh("exit 3");
  EXPECT_EQ(exits.read_line(2s).status, read_status::eof);
  auto status = exits.wait_exit(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(status->describe(), "exited with status 3");

  auto crashes = sh("kill -SEGV $$");
  status = crashes.wait_exit(2s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->signaled);
  EXPECT_EQ(status->signal, SIGSEGV);
  EXPECT_EQ(status->describe(), "was killed by signal 11 (SIGSEGV)");
}

TEST(subprocess, passes_extra_environment) {
  auto child = sh("echo \"$AIOCONFORM_TEST_VALUE\"", {.env = {{"AIOCONFORM_TEST_VALUE", "42"}}});
  EXPECT_EQ(child.read_line(2s).line, "42");
}

TEST(subprocess, drains_stderr_so_a_chatty_child_never_blocks) {
  // 1 MiB on stderr is far more than a pipe holds: without draining, `echo done` never runs.
  auto child = sh("head -c 1048576 /dev/zero | tr '\\0' x >&2; echo tail-marker >&2; echo done",
                  {.stderr_tail_bytes = 4096});
  const auto read = child.read_line(5s);
  ASSERT_EQ(read.status, read_status::line);
  EXPECT_EQ(read.line, "done");
  ASSERT_TRUE(child.wait_exit(2s).has_value());
  const std::string tail = child.stderr_tail(1s);
  EXPECT_LT(tail.size(), 4096u + 100u);
  EXPECT_NE(tail.find("tail-marker"), std::string::npos);
  EXPECT_NE(tail.find("earlier bytes dropped"), std::string::npos);
}

TEST(subprocess, an_overlong_line_is_an_error_not_unbounded_memory) {
  auto child = sh("head -c 100000 /dev/zero | tr '\\0' x; exec sleep 5", {.max_line_bytes = 1000});
  EXPECT_EQ(child.read_line(5s).status, read_status::too_long);
}

TEST(subprocess, unterminated_last_line_is_returned_at_eof) {
  auto child = sh("printf partial");
  const auto read = child.read_line(2s);
  EXPECT_EQ(read.status, read_status::eof);
  EXPECT_EQ(read.line, "partial");
}

TEST(subprocess, a_missing_program_throws) {
  try {
    subprocess child({.argv = {"/nonexistent/aioconform-no-such-program"}});
    FAIL() << "expected subprocess_error";
  } catch (const subprocess_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot start '/nonexistent/aioconform-no-such-program'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(subprocess({}), subprocess_error);
}

TEST(subprocess, writing_to_a_child_that_exited_fails_without_sigpipe) {
  auto child = sh("exit 0");
  ASSERT_TRUE(child.wait_exit(2s).has_value());
  // Enough bytes that the write cannot just land in the pipe buffer unnoticed.
  const std::string big(1 << 20, 'x');
  EXPECT_FALSE(child.write_line(big, 1s));
  EXPECT_FALSE(child.write_line("again", 1s));
}

TEST(subprocess, a_write_to_a_child_that_does_not_read_times_out) {
  auto child = sh("exec sleep 10");
  const std::string big(1 << 20, 'x');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(child.write_line(big, 200ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(subprocess, destruction_kills_a_child_that_ignores_end_of_input) {
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  {
    auto child = sh("trap '' TERM; exec sleep 30", {.kill_grace = 50ms});
    pid = child.pid();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Reaped: the pid is no longer our child.
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
}

TEST(subprocess, leaves_no_file_descriptors_or_zombies) {
  const std::size_t before = open_fd_count();
  for (int i = 0; i < 20; ++i) {
    auto child = sh("cat");
    child.write_line("x");
    child.read_line(2s);
  }
  EXPECT_EQ(open_fd_count(), before);
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(subprocess, kill_is_idempotent) {
  auto child = sh("exec sleep 30");
  const auto first = child.kill();
  EXPECT_TRUE(first.signaled);
  EXPECT_EQ(first.signal, SIGKILL);
  const auto second = child.kill();
  EXPECT_EQ(second.signal, SIGKILL);
}

}  // namespace
}  // namespace aioconform::adapters
