#include "adapters/adapter_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "adapters/command_line.h"
#include "adapters/subprocess.h"
#include "format/format_error.h"
#include "format/trace_codec.h"

namespace aioconform::adapters {
namespace {

using std::chrono::milliseconds;

// A crash often leaves a long traceback; the last lines carry the exception.
constexpr std::size_t stderr_excerpt_lines = 20;
constexpr std::size_t garbage_excerpt_chars = 200;
constexpr milliseconds stderr_settle{200};

std::string seconds_text(milliseconds duration) {
  if (duration.count() % 1000 == 0) return fmt::format("{}s", duration.count() / 1000);
  return fmt::format("{:g}s", static_cast<double>(duration.count()) / 1000.0);
}

std::string excerpt(std::string_view text) {
  if (text.size() <= garbage_excerpt_chars) return std::string(text);
  return fmt::format("{}... ({} bytes)", text.substr(0, garbage_excerpt_chars), text.size());
}

// The last lines of the adapter's stderr, indented under the message, or "".
std::string stderr_excerpt(std::string_view tail) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  if (tail.empty()) return {};
  std::size_t start = tail.size();
  for (std::size_t lines = 0; start > 0 && lines < stderr_excerpt_lines;) {
    --start;
    if (tail[start] == '\n' && ++lines == stderr_excerpt_lines) {
      ++start;
      break;
    }
  }
  std::string out = "\n  adapter stderr (last lines):";
  std::string_view rest = tail.substr(start);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    out += "\n    | ";
    out += rest.substr(0, newline);
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  return out;
}

std::string scenario_name(const nlohmann::json& scenario) {
  const auto name = scenario.find("name");
  if (scenario.is_object() && name != scenario.end() && name->is_string()) {
    return name->get<std::string>();
  }
  return "(unnamed scenario)";
}

adapter_hello parse_hello(const nlohmann::json& hello) {
  if (!hello.is_object()) throw adapter_error("its first line is not a JSON object");
  const auto protocol = hello.find("protocol");
  if (protocol == hello.end() || !protocol->is_string()) {
    throw adapter_error(
        fmt::format("its first line has no \"protocol\"; expected a hello like "
                    "{{\"protocol\":\"{}\",...}}",
                    adapter_protocol));
  }
  if (protocol->get<std::string>() != adapter_protocol) {
    throw adapter_error(fmt::format("it speaks protocol \"{}\" but aioconform speaks \"{}\"",
                                    protocol->get<std::string>(), adapter_protocol));
  }
  if (const auto error = hello.find("error"); error != hello.end()) {
    throw adapter_error(fmt::format(
        "it reports: {}", error->is_string() ? error->get<std::string>() : error->dump()));
  }
  adapter_hello result;
  const auto runtime = hello.find("runtime");
  if (runtime == hello.end() || !runtime->is_object()) {
    throw adapter_error("its hello has no \"runtime\" object");
  }
  result.runtime = *runtime;
  if (const auto features = hello.find("features"); features != hello.end()) {
    if (!features->is_array()) throw adapter_error("its hello's \"features\" is not an array");
    for (const auto& feature : *features) {
      if (!feature.is_string()) throw adapter_error("its hello's \"features\" holds a non-string");
      result.features.push_back(feature.get<std::string>());
    }
  }
  return result;
}

}  // namespace

std::string_view to_string(run_status status) {
  switch (status) {
    case run_status::ok:
      return "ok";
    case run_status::unsupported:
      return "unsupported";
    case run_status::error:
      return "error";
    case run_status::runtime_failure:
      return "runtime_failure";
  }
  return "?";
}

adapter_session::adapter_session(runtime_spec runtime, session_options options)
    : runtime_(std::move(runtime)), options_(options) {}

adapter_session::~adapter_session() {
  stop();
}

const adapter_hello& adapter_session::start() {
  if (broken_) throw adapter_error(*broken_);
  if (process_ && hello_) return *hello_;

  const std::string command = join_command_line(runtime_.command);
  auto fail = [&](std::string_view why, bool with_stderr) -> adapter_error {
    std::string message = fmt::format("runtime {}: the adapter did not start: {}\n  command: {}",
                                      runtime_.name, why, command);
    if (with_stderr && process_) {
      process_->wait_exit(stderr_settle);
      message += stderr_excerpt(process_->stderr_tail(stderr_settle));
    }
    process_.reset();
    hello_.reset();
    broken_ = message;
    return adapter_error(message);
  };

  try {
    process_ = std::make_unique<subprocess>(subprocess_options{.argv = runtime_.command,
                                                               .env = runtime_.env,
                                                               .kill_grace = milliseconds{500},
                                                               .cancel_fd = options_.cancel_fd});
  } catch (const subprocess_error& e) {
    throw fail(e.what(), false);
  }
  const auto read = process_->read_line(options_.start_timeout);
  switch (read.status) {
    case subprocess::read_status::timeout:
      process_->kill();
      throw fail(fmt::format("no hello line within {}", seconds_text(options_.start_timeout)),
                 true);
    case subprocess::read_status::too_long:
      process_->kill();
      throw fail("its first line is too long to be a hello", true);
    case subprocess::read_status::cancelled:
      process_->kill();
      throw fail("cancelled (the run was interrupted) while waiting for its hello", false);
    case subprocess::read_status::eof: {
      const auto status = process_->wait_exit(stderr_settle);
      throw fail(fmt::format("it {} before writing its hello line",
                             status ? status->describe() : "closed its stdout"),
                 true);
    }
    case subprocess::read_status::line:
      break;
  }
  nlohmann::json hello = nlohmann::json::parse(read.line, nullptr, /*allow_exceptions=*/false);
  if (hello.is_discarded()) {
    process_->kill();
    throw fail(fmt::format("its first line is not JSON: {}", excerpt(read.line)), true);
  }
  try {
    hello_ = parse_hello(hello);
  } catch (const adapter_error& e) {
    process_->kill();
    throw fail(e.what(), true);
  }
  return *hello_;
}

run_result adapter_session::failure(std::string_view scenario, std::string_view what,
                                    bool with_stderr) {
  std::string message = fmt::format("runtime {}, scenario {}: {}", runtime_.name, scenario, what);
  if (process_) {
    // The process may be dead or out of step with the protocol: never reuse it.
    process_->kill();
    if (with_stderr) message += stderr_excerpt(process_->stderr_tail(stderr_settle));
    process_.reset();
  }
  hello_.reset();
  return {run_status::runtime_failure, nullptr, std::move(message)};
}

bool adapter_session::send(long long id, const nlohmann::json& scenario, const std::string& name,
                           run_result& failed) {
  if (input_broken_ && process_) {
    // A request sent ahead was cut short: the adapter's input cannot be trusted any more.
    process_->kill();
    process_.reset();
    hello_.reset();
  }
  input_broken_ = false;
  try {
    start();
  } catch (const adapter_error& e) {
    failed = {run_status::runtime_failure, nullptr,
              fmt::format("scenario {} not run: {}", name, e.what())};
    return false;
  }
  // {"id":N,"scenario":...}, as nlohmann::json would dump it, without copying the scenario.
  if (!process_->write_line(fmt::format("{{\"id\":{},\"scenario\":{}}}", id, scenario.dump()),
                            options_.scenario_timeout)) {
    const auto status = process_->wait_exit(stderr_settle);
    failed = failure(name,
                     fmt::format("could not send the scenario: the adapter {}",
                                 status ? status->describe() : "stopped reading its input"),
                     true);
    return false;
  }
  return true;
}

void adapter_session::send_ahead(const nlohmann::json& scenario) {
  pending_request& p = ahead_.emplace_back();
  p.scenario = scenario;
  p.name = scenario_name(scenario);
  if (input_broken_ || broken_) return;  // sent (or failed) when run
  try {
    start();
  } catch (const adapter_error&) {
    return;  // run() reports it
  }
  const long long id = next_id_++;
  if (process_->write_line(fmt::format("{{\"id\":{},\"scenario\":{}}}", id, p.scenario.dump()),
                           options_.scenario_timeout)) {
    p.id = id;
  } else {
    // The adapter died or stopped reading while running an earlier request: that request's
    // answer says which; this one is sent again when run.
    input_broken_ = true;
  }
}

void adapter_session::receive_ahead(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    pending_request& p = ahead_[i];
    if (p.answer || p.id == 0) continue;
    p.answer = receive(p.id, p.name);
    if (!process_) {
      // That failure killed the adapter: what was sent behind it was lost with it.
      for (std::size_t j = i + 1; j < ahead_.size(); ++j) {
        if (!ahead_[j].answer) ahead_[j].id = 0;
      }
    }
  }
}

run_result adapter_session::run(const nlohmann::json& scenario) {
  const auto mine = std::find_if(ahead_.begin(), ahead_.end(),
                                 [&](const pending_request& p) { return p.scenario == scenario; });
  if (mine != ahead_.end()) {
    // Answers come in request order: read those sent before it, then its own.
    const auto k = mine - ahead_.begin();
    receive_ahead(static_cast<std::size_t>(k) + 1);
    std::optional<run_result> answer = std::move(ahead_[static_cast<std::size_t>(k)].answer);
    ahead_.erase(ahead_.begin() + k);
    if (answer) return std::move(*answer);
    // Its adapter died before answering it: run it now, on a fresh one.
  } else {
    receive_ahead(ahead_.size());
  }
  const std::string name = scenario_name(scenario);
  const long long id = next_id_++;
  run_result failed;
  if (!send(id, scenario, name, failed)) return failed;
  return receive(id, name);
}

run_result adapter_session::receive(long long id, const std::string& name) {
  if (!process_) return failure(name, "the adapter is gone", false);
  const auto read = process_->read_line(options_.scenario_timeout);
  switch (read.status) {
    case subprocess::read_status::timeout:
      return failure(name,
                     fmt::format("no answer within {}; the adapter was killed and is restarted "
                                 "for the next scenario",
                                 seconds_text(options_.scenario_timeout)),
                     true);
    case subprocess::read_status::too_long:
      return failure(name,
                     fmt::format("the adapter wrote more than {} MiB without ending the line "
                                 "(an endless stream of output?)",
                                 subprocess_options{}.max_line_bytes >> 20),
                     true);
    case subprocess::read_status::cancelled:
      return failure(name, "not finished: the run was interrupted while the adapter worked on it",
                     false);
    case subprocess::read_status::eof: {
      const auto status = process_->wait_exit(stderr_settle);
      return failure(name,
                     fmt::format("the adapter {} without answering",
                                 status ? status->describe() : "closed its stdout"),
                     true);
    }
    case subprocess::read_status::line:
      break;
  }

  nlohmann::json answer = nlohmann::json::parse(read.line, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    return failure(name,
                   fmt::format("the adapter wrote a line that is not JSON: {}", excerpt(read.line)),
                   true);
  }
  if (!answer.is_object()) {
    return failure(name,
                   fmt::format("the adapter's answer is not a JSON object: {}", excerpt(read.line)),
                   true);
  }
  const auto answer_id = answer.find("id");
  if (answer_id == answer.end() || *answer_id != id) {
    return failure(name,
                   fmt::format("the adapter answered id {}, expected {}",
                               answer_id == answer.end() ? "(none)" : answer_id->dump(), id),
                   true);
  }
  return check_answer(std::move(answer), name);
}

run_result adapter_session::check_answer(nlohmann::json answer, std::string_view scenario) {
  const auto status = answer.find("status");
  if (status != answer.end() && *status == "error") {
    const auto message = answer.find("message");
    std::string text = message != answer.end() && message->is_string()
                           ? message->get<std::string>()
                           : std::string("(no message)");
    return {run_status::error, nullptr,
            fmt::format("runtime {}, scenario {}: the adapter could not run it: {}", runtime_.name,
                        scenario, text)};
  }
  if (status == answer.end() || *status != "ok") {
    return failure(scenario,
                   fmt::format("the adapter's answer has status {}, expected \"ok\" or \"error\"",
                               status == answer.end() ? "(none)" : status->dump()),
                   true);
  }
  const auto found = answer.find("trace");
  if (found == answer.end() || !found->is_object()) {
    return failure(scenario, "the adapter answered ok without a trace object", true);
  }

  // The answer is ours: its trace is moved out, not copied.
  nlohmann::json trace = std::move(*found);
  if (const auto runtime = trace.find("runtime"); runtime != trace.end() && runtime->is_object()) {
    (*runtime)["name"] = runtime_.name;
  }
  try {
    format::validate_trace(trace, "trace");
  } catch (const format::format_error& e) {
    // The adapter is still in step with the protocol, but it produced a trace aioconform
    // cannot trust; it is a failure of the runtime's adapter, not a verdict.
    return {
        run_status::runtime_failure, nullptr,
        fmt::format("runtime {}, scenario {}: the adapter's trace is invalid at {}: {}",
                    runtime_.name, scenario, e.json_path.empty() ? "/" : e.json_path, e.reason)};
  }
  if (trace.value("scenario", std::string()) != scenario) {
    return {run_status::runtime_failure, nullptr,
            fmt::format("runtime {}, scenario {}: the adapter's trace is for scenario {}",
                        runtime_.name, scenario, trace["scenario"].dump())};
  }
  const bool unsupported = trace.value("end", std::string()) == "unsupported";
  return {unsupported ? run_status::unsupported : run_status::ok, std::move(trace), {}};
}

void adapter_session::stop() {
  ahead_.clear();
  input_broken_ = false;
  if (!process_) return;
  process_->write_line(nlohmann::json{{"id", next_id_++}, {"quit", true}}.dump(),
                       milliseconds{100});
  process_->stop();
  process_.reset();
  hello_.reset();
}

}  // namespace aioconform::adapters
