#include "spec/model/set_order.h"

#include <gtest/gtest.h>

namespace aioconform::model {
namespace {

std::vector<std::uint64_t> iterate(const std::vector<std::uint64_t>& hashes) {
  std::vector<std::uint64_t> out;
  for (std::size_t i : python_set_order(hashes)) out.push_back(hashes[i]);
  return out;
}

// Expected orders are what CPython prints, e.g. python3 -c "s=set(); [s.add(x) for x in
// [20,3,40,5,66,7]]; print(list(s))".
TEST(PythonSetOrder, SmallIntegersIterateByHashModuloTheTable) {
  EXPECT_EQ(iterate({3, 1, 2}), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(iterate({9, 2}), (std::vector<std::uint64_t>{9, 2}));  // 9 % 8 == 1
}

TEST(PythonSetOrder, TableGrowsWhenTwoThirdsFull) {
  EXPECT_EQ(iterate({1, 2, 3, 9, 4}), (std::vector<std::uint64_t>{1, 2, 3, 4, 9}));
}

TEST(PythonSetOrder, CollisionsProbeLinearly) {
  EXPECT_EQ(iterate({20, 3, 40, 5, 66, 7}), (std::vector<std::uint64_t>{66, 3, 5, 7, 40, 20}));
}

TEST(PythonSetOrder, DuplicatesAreAddedOnce) {
  EXPECT_EQ(python_set_order({5, 5, 6}), (std::vector<std::size_t>{0, 2}));
}

}  // namespace
}  // namespace aioconform::model
