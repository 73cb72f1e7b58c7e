#pragma once

// schedule_explorer: walks every sequence of open choices depth-first, one run at a time
// (each run replays the prefix it was given, then takes the first alternative and notes how
// many there were). An optional ranking orders the alternatives at each choice, so that
// the likeliest is tried first: check ranks timers by how soon their owner task appears in
// the observed trace, which makes a trace with many equal deadlines cost about one run.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "spec/model/world.h"

namespace aioconform::model {

class schedule_explorer : public chooser {
 public:
  /// Ranks alternatives by owner (lower first); ties keep the scheduling order.
  using ranking = std::function<std::size_t(const std::string& owner)>;

  explicit schedule_explorer(ranking rank = {}) : rank_(std::move(rank)) {}

  std::size_t choose(std::size_t n, const std::vector<std::string>& owners) override {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (rank_ && owners.size() == n) {  // no owners: no hint, the given order
      std::vector<std::size_t> ranks;
      for (const std::string& o : owners) ranks.push_back(rank_(o));
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
    }
    if (depth_ < path_.size()) return order[path_[depth_++].pick];
    path_.push_back({0, n});
    ++depth_;
    return order[0];
  }
  /// Moves to the next unexplored schedule; false when none is left.
  bool next() {
    path_.resize(depth_);
    while (!path_.empty() && path_.back().pick + 1 == path_.back().n) path_.pop_back();
    depth_ = 0;
    if (path_.empty()) return false;
    ++path_.back().pick;
    return true;
  }
  /// The run stopped early (a checker saw it diverge): choices after the ones it made were
  /// never reached, so the next schedule varies the last choice made.
  void truncate_to_made() { path_.resize(depth_); }

 private:
  struct choice {
    std::size_t pick;  ///< index into the ranked order
    std::size_t n;
  };
  ranking rank_;
  std::vector<choice> path_;
  std::size_t depth_ = 0;
};

}  // namespace aioconform::model
