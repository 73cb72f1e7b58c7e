#include "cli/text_table.h"

#include <gtest/gtest.h>

namespace aioconform::cli {
namespace {

TEST(text_table, pads_columns_and_right_aligns_counts) {
  text_table table({"runtime", "scenarios", "note"});
  table.align_right(1);
  table.add_row({"cpython-3.12", "7", "ok"});
  table.add_row({"pypy-3.9", "12", ""});
  EXPECT_EQ(table.str(2),
            "  runtime       scenarios  note\n"
            "  cpython-3.12          7  ok\n"
            "  pypy-3.9             12\n");
}

}  // namespace
}  // namespace aioconform::cli
