#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/runtime.h"

namespace aioconform::adapters {

class subprocess;

/// The protocol this client speaks (docs/adapter-protocol.md).
inline constexpr std::string_view adapter_protocol = "aioconform.adapter/1";

/// An adapter could not be started or did not introduce itself properly.
class adapter_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct session_options {
  std::chrono::milliseconds scenario_timeout{30000};  // per scenario, from request to answer
  std::chrono::milliseconds start_timeout{30000};     // from spawn to the hello line
  int cancel_fd = -1;  // readable: stop waiting for the adapter (see subprocess_options)
};

/// What became of one scenario.
enum class run_status {
  ok,               // the runtime ran it; `trace` is what it did
  unsupported,      // the runtime lacks a feature; `trace` says which (end: unsupported)
  error,            // the adapter answered that it could not run the scenario
  runtime_failure,  // the adapter crashed, hung, or broke the protocol; it is restarted
                    // (also when the wait was cancelled: the message then says so)
};

std::string_view to_string(run_status status);

struct run_result {
  run_status status = run_status::runtime_failure;
  nlohmann::json trace;  // ok/unsupported: a validated trace with runtime.name filled in
  std::string message;   // error/runtime_failure: what happened, naming runtime and scenario
};

/// The adapter's hello line, checked.
struct adapter_hello {
  nlohmann::json runtime;             // the trace's runtime object, without name
  std::vector<std::string> features;  // scenario features the runtime supports
};

/// A client of one adapter process speaking aioconform.adapter/1.
///
/// The adapter is started lazily and kept for many scenarios (interpreter start-up is paid
/// once). Invariant: when a scenario ends in runtime_failure the process is gone, so the
/// next scenario never reads a stale answer; it starts a fresh adapter. If starting fails,
/// the session stays broken and every later scenario fails fast with the same reason.
///
/// Pipelining (the protocol allows requests ahead): send_ahead() writes a request at once,
/// so that the adapter runs it while the caller does other work; the run() of an equal
/// document then only reads its answer. Answers come in request order, so every answer
/// still belongs to the scenario that caused it: a crash or hang is the failure of the
/// scenario being answered, and the requests sent behind it to the dead process are sent
/// again, to the fresh adapter, when they are run. Results are thus the same as without
/// pipelining; only the timeout of a request sent ahead starts when run() asks for it.
class adapter_session {
 public:
  explicit adapter_session(runtime_spec runtime, session_options options = {});
  ~adapter_session();
  adapter_session(const adapter_session&) = delete;
  adapter_session& operator=(const adapter_session&) = delete;

  const runtime_spec& runtime() const { return runtime_; }

  /// Starts the adapter if it is not running and returns its hello.
  /// Throws adapter_error, with the adapter's stderr tail, when it cannot.
  const adapter_hello& start();

  /// Sends one aioconform.scenario/1 document and waits for its answer.
  /// Never throws for anything the adapter does.
  run_result run(const nlohmann::json& scenario);

  /// Sends `scenario` now; a later run() of an equal document takes its answer. Requests
  /// sent ahead and never run are dropped by stop(). Never throws for what the adapter does.
  void send_ahead(const nlohmann::json& scenario);

  /// Asks the adapter to quit and reaps it.
  void stop();

 private:
  run_result failure(std::string_view scenario, std::string_view what, bool with_stderr);
  run_result check_answer(nlohmann::json answer, std::string_view scenario);

  /// One request sent ahead, with its answer once read (because another scenario was run
  /// first). id 0: its adapter died before answering; it is sent again when run.
  struct pending_request {
    nlohmann::json scenario;
    std::string name;
    long long id = 0;
    std::optional<run_result> answer;
  };
  /// Sends one request; false (with `failed` set) when the adapter cannot be started or
  /// does not read it.
  bool send(long long id, const nlohmann::json& scenario, const std::string& name,
            run_result& failed);
  /// Reads the answer to request `id` (the oldest unanswered one).
  run_result receive(long long id, const std::string& name);
  /// Reads and keeps the answers of the first `count` requests sent ahead, oldest first.
  void receive_ahead(std::size_t count);

  runtime_spec runtime_;
  session_options options_;
  std::unique_ptr<subprocess> process_;
  std::optional<adapter_hello> hello_;
  std::optional<std::string> broken_;  // why the adapter could not be started
  long long next_id_ = 1;
  std::deque<pending_request> ahead_;  // in request order
  bool input_broken_ = false;          // a request sent ahead could not be written whole
};

}  // namespace aioconform::adapters
