#pragma once

// SIGINT and SIGTERM during a long run (record, replay, check): the handler only records the
// signal and wakes whoever waits on an adapter; the command's loop then stops between
// scenarios, keeps every golden and finding already written, prints a report marked partial,
// and the process exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM).

#include <string>

namespace aioconform::cli {

/// Installs the handlers (idempotent). A second signal of the same kind, if the run does not
/// stop soon enough, ends the process at once with the default action.
void install_interrupt_handlers();

/// The signal that asked the run to stop, or 0 when none came.
int interrupt_signal();

inline bool interrupted() {
  return interrupt_signal() != 0;
}

/// A descriptor that becomes readable when a signal comes (for poll; never read it), or -1
/// before install_interrupt_handlers.
int interrupt_fd();

/// "SIGINT" or "SIGTERM".
std::string interrupt_signal_name();

/// The exit status of an interrupted run: 128 + the signal number.
int interrupted_exit_status();

}  // namespace aioconform::cli
