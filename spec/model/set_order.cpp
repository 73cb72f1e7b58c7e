#include "spec/model/set_order.h"

#include <optional>

namespace aioconform::model {
namespace {

constexpr std::size_t linear_probes = 9;
constexpr unsigned perturb_shift = 5;

struct slot {
  bool used = false;
  std::uint64_t hash = 0;
  std::size_t index = 0;
};

/// setobject.c's probe sequence: the first free slot for `hash`, or the slot holding it.
std::size_t find_slot(const std::vector<slot>& table, std::uint64_t hash) {
  const std::size_t mask = table.size() - 1;
  std::size_t i = static_cast<std::size_t>(hash) & mask;
  std::uint64_t perturb = hash;
  while (true) {
    std::size_t probes = (i + linear_probes <= mask) ? linear_probes : 0;
    std::size_t j = i;
    while (true) {
      if (!table[j].used || table[j].hash == hash) return j;
      if (probes-- == 0) break;
      ++j;
    }
    perturb >>= perturb_shift;
    i = static_cast<std::size_t>(i * 5 + 1 + perturb) & mask;
  }
}

}  // namespace

std::vector<std::size_t> python_set_order(const std::vector<std::uint64_t>& hashes) {
  std::vector<slot> table(8);
  std::size_t fill = 0;
  for (std::size_t k = 0; k < hashes.size(); ++k) {
    std::size_t j = find_slot(table, hashes[k]);
    if (table[j].used) continue;  // already present
    table[j] = {true, hashes[k], k};
    ++fill;
    const std::size_t mask = table.size() - 1;
    if (fill * 5 < mask * 3) continue;
    std::size_t minused = fill > 50000 ? fill * 2 : fill * 4;
    std::size_t newsize = 8;
    while (newsize <= minused) newsize <<= 1;
    std::vector<slot> grown(newsize);
    for (const slot& s : table) {
      if (s.used) grown[find_slot(grown, s.hash)] = s;
    }
    table = std::move(grown);
  }
  std::vector<std::size_t> order;
  for (const slot& s : table) {
    if (s.used) order.push_back(s.index);
  }
  return order;
}

}  // namespace aioconform::model
