#include "format/utf8.h"

#include <gtest/gtest.h>

namespace aioconform::format {
namespace {

TEST(utf8_length, counts_code_points_not_bytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("h\xC3\xA9llo"), 5u);                  // é: 2 bytes
  EXPECT_EQ(utf8_length("\xE2\x82\xAC\xF0\x9F\x98\x80"), 2u);  // € (3 bytes), 😀 (4 bytes)
}

TEST(printable_utf8, keeps_valid_sequences_and_replaces_the_rest) {
  EXPECT_EQ(printable_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(printable_utf8("a\xFF"
                           "b"),
            "a?b");
  EXPECT_EQ(printable_utf8("line\nbreak\x7f"), "line?break?");
  EXPECT_EQ(printable_utf8("\xC3"), "?");            // truncated sequence
  EXPECT_EQ(printable_utf8("\xED\xA0\x80"), "???");  // a UTF-16 surrogate
  EXPECT_EQ(printable_utf8("\xC0\xAF"), "??");       // overlong '/'
}

}  // namespace
}  // namespace aioconform::format
