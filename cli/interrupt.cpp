#include "cli/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace aioconform::cli {
namespace {

std::atomic<int> received_signal{0};
// A self-pipe: the handler writes one byte and nobody reads it, so the read end stays
// readable for every poll that includes it (one wake-up serves all adapter sessions).
int wake_read_fd = -1;
int wake_write_fd = -1;

extern "C" void on_interrupt(int signal_number) {
  int expected = 0;
  if (!received_signal.compare_exchange_strong(expected, signal_number)) {
    // The second signal: the user insists. Die of it, as a program without handlers would.
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
    return;
  }
  if (wake_write_fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_write_fd, &byte, 1);
  }
}

}  // namespace

void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      wake_read_fd = fds[0];
      wake_write_fd = fds[1];
    }
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
  });
}

int interrupt_signal() {
  return received_signal.load();
}

int interrupt_fd() {
  return wake_read_fd;
}

std::string interrupt_signal_name() {
  switch (interrupt_signal()) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case 0:
      return "no signal";
  }
  return "signal " + std::to_string(interrupt_signal());
}

int interrupted_exit_status() {
  return 128 + interrupt_signal();
}

}  // namespace aioconform::cli
