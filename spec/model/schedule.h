#pragma once

// schedule_explorer: walks every sequence of open choices depth-first, one run at a time
// (each run replays the prefix it was given, then takes the first alternative and notes how
// many there were).

#include <cstddef>
#include <vector>

#include "spec/model/world.h"

namespace aioconform::model {

class schedule_explorer : public chooser {
 public:
  std::size_t choose(std::size_t n) override {
    if (depth_ < path_.size()) return path_[depth_++].pick;
    path_.push_back({0, n});
    ++depth_;
    return 0;
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
  /// Abandons the rest of the current run's subtree below choice `keep` (the run stopped
  /// early, e.g. a checker saw it diverge): choices after it were never made.
  void truncate_to_made() { path_.resize(depth_); }
  [[nodiscard]] std::size_t depth() const { return depth_; }

 private:
  struct choice {
    std::size_t pick;
    std::size_t n;
  };
  std::vector<choice> path_;
  std::size_t depth_ = 0;
};

}  // namespace aioconform::model
