#pragma once

// case_runner: where a live check runs its cases. A runtime behind the adapter protocol
// (one adapter process per runner, started once and kept) or the reference runtime (impl/)
// in this process, with no protocol at all. One runner serves one thread.

#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/adapter_session.h"
#include "adapters/runtime.h"
#include "format/scenario.h"

namespace aioconform::conformance {

class case_runner {
 public:
  virtual ~case_runner() = default;

  /// The runtime's `runtime` object (version, task factory, ...): what picks the profile.
  /// Throws adapters::adapter_error when an adapter cannot be started.
  virtual nlohmann::json runtime() = 0;

  /// Runs one scenario (its document and its parsed form). Never throws for what the
  /// runtime does: a crash or a hang is a runtime_failure result.
  virtual adapters::run_result run(const nlohmann::json& document,
                                   const format::scenario& scenario) = 0;

  /// A hint that run() of `document` comes soon: an adapter starts it now (the protocol's
  /// pipelining) so that it runs while the caller generates and judges other cases. The
  /// results are the same as without the hint.
  virtual void run_ahead(const nlohmann::json& document) { (void)document; }
};

/// The name `--runtime` takes for the in-process reference runtime.
inline constexpr const char* impl_runtime_name = "impl";

/// A runner over an adapter process for `runtime`.
[[nodiscard]] std::unique_ptr<case_runner> adapter_runner(adapters::runtime_spec runtime,
                                                          adapters::session_options options);

/// A runner on the reference runtime, in-process.
[[nodiscard]] std::unique_ptr<case_runner> impl_runner();

}  // namespace aioconform::conformance
