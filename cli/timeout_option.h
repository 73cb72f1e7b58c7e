#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>

#include "adapters/adapter_session.h"
#include "cli/interrupt.h"

namespace aioconform::cli {

/// Seconds an adapter gets to start and to answer each scenario.
inline constexpr double default_timeout_seconds = 30.0;

/// Adds --timeout S to `app`.
inline void add_timeout_option(CLI::App& app, double& seconds) {
  app.add_option("--timeout", seconds,
                 "Seconds a runtime gets to answer each scenario (and to start, at least 10); on "
                 "expiry the scenario fails and the adapter is restarted")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

/// An interpreter's start-up can take seconds on a loaded machine: a short --timeout, meant
/// for scenarios, must not fail a slow but healthy start.
inline constexpr std::chrono::milliseconds min_start_timeout{10000};

/// The sessions of every command stop waiting for their adapter when the run is interrupted.
inline adapters::session_options session_options_for(double seconds) {
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
  return {.scenario_timeout = timeout,
          .start_timeout = std::max(timeout, min_start_timeout),
          .cancel_fd = interrupt_fd()};
}

/// A whole run's time budget: once spent, no new scenario starts (one already running still
/// gets its --timeout), and the report says the run is partial.
class time_budget {
 public:
  explicit time_budget(double seconds)
      : seconds_(seconds), started_(std::chrono::steady_clock::now()) {}

  /// True when a budget was given and it is spent.
  bool spent() const {
    return seconds_ > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() >=
               seconds_;
  }
  double seconds() const { return seconds_; }

 private:
  double seconds_;
  std::chrono::steady_clock::time_point started_;
};

/// Adds --time-budget S to `app` (0: no budget).
inline void add_time_budget_option(CLI::App& app, double& seconds) {
  app.add_option("--time-budget", seconds,
                 "Stop starting scenarios after this many seconds; the report says it is partial "
                 "(0: no budget)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

}  // namespace aioconform::cli
