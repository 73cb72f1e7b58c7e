#include "adapters/natural_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace aioconform::adapters {
namespace {

TEST(natural_less, orders_versions_and_runtime_names_numerically) {
  std::vector<std::string> names = {"cpython-3.10", "cpython-3.9-pytasks", "cpython-3.9",
                                    "pypy-3.9",     "cpython-3.12-eager",  "cpython-3.12"};
  std::sort(names.begin(), names.end(), natural_less);
  EXPECT_EQ(names, (std::vector<std::string>{"cpython-3.9", "cpython-3.9-pytasks", "cpython-3.10",
                                             "cpython-3.12", "cpython-3.12-eager", "pypy-3.9"}));
  EXPECT_TRUE(natural_less("3.8.18", "3.10.13"));
  EXPECT_FALSE(natural_less("3.10.13", "3.8.18"));
  EXPECT_FALSE(natural_less("a", "a"));
}

}  // namespace
}  // namespace aioconform::adapters
