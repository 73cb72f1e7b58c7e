#include "adapters/adapter_session.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/fakes/fakes.h"

namespace aioconform::adapters {
namespace {

using namespace std::chrono_literals;
using aioconform::testing::fake_adapter;

const nlohmann::json scenario = {{"format", "aioconform.scenario/1"},
                                 {"name", "fake/returns"},
                                 {"description", "main returns at once."},
                                 {"clauses", nlohmann::json::array()},
                                 {"requires", nlohmann::json::array()},
                                 {"main", {{"steps", {{{"op", "return"}, {"value", nullptr}}}}}}};

runtime_spec fake_runtime(const std::string& mode, const std::vector<std::string>& extra = {}) {
  runtime_spec runtime;
  runtime.name = "fake-" + mode;
  runtime.command = fake_adapter(mode, extra);
  runtime.source = "--runtime-cmd";
  return runtime;
}

// Short timeouts keep the suite fast; the fakes answer in milliseconds.
const session_options quick{.scenario_timeout = 1000ms, .start_timeout = 2000ms};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(adapter_session, runs_scenarios_and_names_the_runtime_in_the_trace) {
  adapter_session session(fake_runtime("good"), quick);
  const auto& hello = session.start();
  EXPECT_EQ(hello.runtime["implementation"], "fake");
  EXPECT_EQ(hello.features, std::vector<std::string>{"timeout"});
  for (int i = 0; i < 3; ++i) {
    const auto result = session.run(scenario);
    ASSERT_EQ(result.status, run_status::ok) << result.message;
    EXPECT_EQ(result.trace["runtime"]["name"], "fake-good");
    EXPECT_EQ(result.trace["scenario"], "fake/returns");
  }
}

TEST(adapter_session, reports_unsupported_and_error_answers) {
  adapter_session unsupported(fake_runtime("unsupported"), quick);
  const auto result = unsupported.run(scenario);
  EXPECT_EQ(result.status, run_status::unsupported);
  EXPECT_EQ(result.trace["missing"], nlohmann::json::array({"task_group"}));

  adapter_session error(fake_runtime("error"), quick);
  const auto failed = error.run(scenario);
  EXPECT_EQ(failed.status, run_status::error);
  EXPECT_TRUE(contains(failed.message, "runtime fake-error, scenario fake/returns"))
      << failed.message;
  EXPECT_TRUE(contains(failed.message, "handle 'x' used before it was bound")) << failed.message;
  // An error answer leaves the adapter in step: the next scenario reuses it.
  EXPECT_EQ(error.run(scenario).status, run_status::error);
}

TEST(adapter_session, a_scenario_without_answer_times_out_and_the_adapter_restarts) {
  aioconform::testing::temp_directory dir;
  adapter_session session(fake_runtime("hang-once", {(dir / "hung").string()}),
                          {.scenario_timeout = 300ms, .start_timeout = 2000ms});
  const auto start = std::chrono::steady_clock::now();
  const auto hung = session.run(scenario);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(hung.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(hung.message,
                       "runtime fake-hang-once, scenario fake/returns: no answer "
                       "within 0.3s"))
      << hung.message;
  const auto next = session.run(scenario);
  EXPECT_EQ(next.status, run_status::ok) << next.message;
}

nlohmann::json named(const std::string& name) {
  nlohmann::json s = scenario;
  s["name"] = name;
  return s;
}

TEST(adapter_session, requests_sent_ahead_are_answered_to_their_own_scenario) {
  adapter_session session(fake_runtime("good"), quick);
  session.send_ahead(named("fake/a"));
  session.send_ahead(named("fake/b"));
  // Run out of order: b's answer is read after a's, and a's is kept for later.
  const auto b = session.run(named("fake/b"));
  ASSERT_EQ(b.status, run_status::ok) << b.message;
  EXPECT_EQ(b.trace["scenario"], "fake/b");
  const auto c = session.run(named("fake/c"));  // never sent ahead
  EXPECT_EQ(c.trace["scenario"], "fake/c");
  const auto a = session.run(named("fake/a"));
  ASSERT_EQ(a.status, run_status::ok) << a.message;
  EXPECT_EQ(a.trace["scenario"], "fake/a");
}

TEST(adapter_session, a_failure_ahead_belongs_to_its_scenario_and_the_rest_are_sent_again) {
  // Answers one scenario, then exits on the next request: the second scenario's failure;
  // the third, sent to the dead adapter, runs on a fresh one.
  adapter_session session(fake_runtime("exit-after", {"1"}), quick);
  for (const char* name : {"fake/1", "fake/2", "fake/3"}) session.send_ahead(named(name));
  const auto first = session.run(named("fake/1"));
  EXPECT_EQ(first.status, run_status::ok) << first.message;
  const auto second = session.run(named("fake/2"));
  EXPECT_EQ(second.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(second.message, "scenario fake/2")) << second.message;
  const auto third = session.run(named("fake/3"));
  ASSERT_EQ(third.status, run_status::ok) << third.message;
  EXPECT_EQ(third.trace["scenario"], "fake/3");
}

TEST(adapter_session, a_hang_ahead_times_out_as_its_own_scenario) {
  aioconform::testing::temp_directory dir;
  adapter_session session(fake_runtime("hang-once", {(dir / "hung").string()}),
                          {.scenario_timeout = 300ms, .start_timeout = 2000ms});
  session.send_ahead(named("fake/1"));
  session.send_ahead(named("fake/2"));
  const auto hung = session.run(named("fake/1"));
  EXPECT_EQ(hung.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(hung.message, "scenario fake/1: no answer within 0.3s")) << hung.message;
  const auto next = session.run(named("fake/2"));
  ASSERT_EQ(next.status, run_status::ok) << next.message;
  EXPECT_EQ(next.trace["scenario"], "fake/2");
}

TEST(adapter_session, a_crash_is_reported_with_the_signal_and_stderr) {
  adapter_session session(fake_runtime("crash"), quick);
  const auto result = session.run(scenario);
  EXPECT_EQ(result.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(result.message, "was killed by signal 11 (SIGSEGV) without answering"))
      << result.message;
  EXPECT_TRUE(contains(result.message, "FakeCrash: the runtime fell over")) << result.message;
}

TEST(adapter_session, protocol_violations_are_runtime_failures) {
  struct expectation {
    std::string mode;
    std::string message;
  };
  for (const auto& [mode, message] : std::vector<expectation>{
           {"garbage", "wrote a line that is not JSON: Hello! I am not JSON."},
           {"wrong-id", "answered id 101, expected 1"},
           {"invalid-trace", "trace is invalid at /futures"},
       }) {
    adapter_session session(fake_runtime(mode), quick);
    const auto result = session.run(scenario);
    EXPECT_EQ(result.status, run_status::runtime_failure) << mode;
    EXPECT_TRUE(contains(result.message, message)) << mode << ": " << result.message;
  }
}

TEST(adapter_session, a_bad_hello_is_a_clear_start_error) {
  struct expectation {
    std::string mode;
    std::string message;
  };
  for (const auto& [mode, message] : std::vector<expectation>{
           {"old-protocol",
            "speaks protocol \"aioconform.adapter/0\" but aioconform speaks "
            "\"aioconform.adapter/1\""},
           {"refuse", "the adapter did not start: it reports: uvloop is not importable"},
       }) {
    adapter_session session(fake_runtime(mode), quick);
    try {
      session.start();
      FAIL() << mode << ": expected adapter_error";
    } catch (const adapter_error& e) {
      EXPECT_TRUE(contains(e.what(), "runtime fake-" + mode + ": the adapter did not start"))
          << e.what();
      EXPECT_TRUE(contains(e.what(), message)) << e.what();
    }
  }
}

TEST(adapter_session, a_silent_adapter_fails_to_start_and_stays_failed) {
  adapter_session session(fake_runtime("silent"),
                          {.scenario_timeout = 1000ms, .start_timeout = 300ms});
  const auto first = session.run(scenario);
  EXPECT_EQ(first.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(first.message, "no hello line within 0.3s")) << first.message;
  const auto start = std::chrono::steady_clock::now();
  const auto second = session.run(scenario);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);  // fails fast, no second wait
  EXPECT_EQ(second.message, first.message);
}

TEST(adapter_session, a_missing_program_names_the_command) {
  runtime_spec runtime;
  runtime.name = "ghost";
  runtime.command = {"/nonexistent/python3", "adapter.py"};
  adapter_session session(runtime, quick);
  const auto result = session.run(scenario);
  EXPECT_EQ(result.status, run_status::runtime_failure);
  EXPECT_TRUE(contains(result.message,
                       "runtime ghost: the adapter did not start: cannot start "
                       "'/nonexistent/python3'"))
      << result.message;
}

TEST(adapter_session, a_chatty_adapter_does_not_block) {
  adapter_session session(fake_runtime("chatty"), quick);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(session.run(scenario).status, run_status::ok);
}

}  // namespace
}  // namespace aioconform::adapters
