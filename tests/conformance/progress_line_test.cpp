// progress_line away from a terminal: plain lines (no \r), each with cases done of total,
// the rate and the findings so far.

#include "conformance/progress_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace aioconform::conformance {
namespace {

std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buffer[512];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, f)) text.append(buffer, n);
  return text;
}

TEST(progress_line, writes_plain_lines_when_not_a_terminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    progress_line progress("cpython-3.12", 3, f, /*plain_interval=*/0.0);
    progress.case_done(false);
    progress.case_done(true);
    progress.case_done(false);
    EXPECT_NE(progress.text().find("cpython-3.12: 3/3 cases, "), std::string::npos);
  }
  const std::string text = written(f);
  std::fclose(f);
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_NE(text.find("cpython-3.12: 1/3 cases, "), std::string::npos) << text;
  EXPECT_NE(text.find("2/3 cases, "), std::string::npos) << text;
  EXPECT_NE(text.find("3/3 cases, "), std::string::npos) << text;
  EXPECT_NE(text.find("1 finding\n"), std::string::npos) << text;
}

TEST(progress_line, stays_quiet_between_intervals) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    progress_line progress("impl", 100, f, /*plain_interval=*/3600.0);
    for (int i = 0; i < 100; ++i) progress.case_done(false);
  }
  EXPECT_EQ(written(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace aioconform::conformance
