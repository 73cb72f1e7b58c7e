#include "adapters/command_line.h"

#include <gtest/gtest.h>

namespace aioconform::adapters {
namespace {

using words = std::vector<std::string>;

TEST(split_command_line, splits_on_blanks) {
  EXPECT_EQ(split_command_line("  python3   adapter.py --tasks python "),
            (words{"python3", "adapter.py", "--tasks", "python"}));
  EXPECT_EQ(split_command_line(""), words{});
}

TEST(split_command_line, honours_quotes_and_escapes_like_a_shell) {
  EXPECT_EQ(split_command_line("'/opt/my python/bin/python3' a\\ b \"x \\\"y\\\" $HOME\""),
            (words{"/opt/my python/bin/python3", "a b", "x \"y\" $HOME"}));
  EXPECT_EQ(split_command_line("pre'fix'\"ed\""), words{"prefixed"});
  EXPECT_EQ(split_command_line("''"), words{""});
  EXPECT_EQ(split_command_line("\"a\\nb\""), words{"a\\nb"});  // \n is not an escape in "..."
}

TEST(split_command_line, rejects_what_a_shell_would) {
  EXPECT_THROW(split_command_line("python3 'unterminated"), command_line_error);
  EXPECT_THROW(split_command_line("python3 \"unterminated"), command_line_error);
  EXPECT_THROW(split_command_line("python3 \\"), command_line_error);
}

TEST(join_command_line, quotes_only_where_needed_and_round_trips) {
  const words argv = {"/usr/bin/python3", "my adapter.py", "it's", "--unit-ms=50", ""};
  EXPECT_EQ(join_command_line(argv), "/usr/bin/python3 'my adapter.py' 'it'\\''s' --unit-ms=50 ''");
  EXPECT_EQ(split_command_line(join_command_line(argv)), argv);
}

}  // namespace
}  // namespace aioconform::adapters
