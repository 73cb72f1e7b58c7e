#pragma once

#include <CLI/CLI.hpp>
#include <chrono>

#include "adapters/adapter_session.h"

namespace aioconform::cli {

/// Seconds an adapter gets to start and to answer each scenario.
inline constexpr double default_timeout_seconds = 30.0;

/// Adds --timeout S to `app`.
inline void add_timeout_option(CLI::App& app, double& seconds) {
  app.add_option("--timeout", seconds,
                 "Seconds a runtime gets to answer each scenario (and to start); on expiry the "
                 "scenario fails and the adapter is restarted")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

inline adapters::session_options session_options_for(double seconds) {
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
  return {.scenario_timeout = timeout, .start_timeout = timeout};
}

}  // namespace aioconform::cli
