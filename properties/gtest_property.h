#pragma once

// AIOCONFORM_PROP: RC_GTEST_PROP (rapidcheck/gtest.h) with a failure message that can be
// pasted into a shell. RapidCheck's own message gives the counterexample and, only when the
// process exits, a bare RC_PARAMS="reproduce=..." string; this one ends with the whole
// command: that string, the test binary's path and the --gtest_filter of the failing case.

#include <gtest/gtest.h>
// gtest before rapidcheck/gtest.h, which uses it without including it.
#include <rapidcheck/detail/Configuration.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

namespace aioconform::properties {

/// The shell command that replays `reproduce` for the current test.
inline std::string reproduce_command(const rc::detail::TestMetadata& metadata,
                                     const rc::detail::Reproduce& reproduce) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::Configuration config;
  config.reproduce[metadata.id] = reproduce;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = "<this test binary>";
  return "RC_PARAMS=\"" + rc::detail::configToMinimalString(config) + "\" " + self.string() +
         " --gtest_filter=" + info->test_suite_name() + "." + info->name();
}

/// Cases per property in a plain run (no RC_PARAMS).
inline constexpr int default_cases = 1000;

/// rc::detail::checkGTest, plus the reproduce command in the failure message.
template <typename Testable>
void check_property(Testable&& testable) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  // RapidCheck's default of 100 cases finds little in a language this size; without
  // RC_PARAMS, run default_cases (still seconds). With RC_PARAMS (a reproduce string, a
  // nightly max_success) RapidCheck's configuration alone decides.
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (std::getenv("RC_PARAMS") == nullptr) params.maxSuccess = default_cases;
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  if (result.template is<rc::detail::SuccessResult>()) {
    // The distribution of RC_TAG/RC_CLASSIFY: how often each case kind was tested.
    if (!result.template get<rc::detail::SuccessResult>().distribution.empty()) {
      rc::detail::printResultMessage(result, std::cout);
      std::cout << std::endl;
    }
    return;
  }
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  if (result.template is<rc::detail::FailureResult>()) {
    message << "\n\nReproduce with:\n  "
            << reproduce_command(metadata,
                                 result.template get<rc::detail::FailureResult>().reproduce)
            << "\n";
  }
  FAIL() << message.str();
}

}  // namespace aioconform::properties

/// Defines a RapidCheck property as a GoogleTest case (see the file comment).
#define AIOCONFORM_PROP(Suite, Name, ArgList)                                    \
  void aioconform_prop_##Suite##_##Name ArgList;                                 \
  TEST(Suite, Name) {                                                            \
    ::aioconform::properties::check_property(&aioconform_prop_##Suite##_##Name); \
  }                                                                              \
  void aioconform_prop_##Suite##_##Name ArgList
