#pragma once

namespace aioconform::cli {

/// What the aioconform command's exit status means; scripts and ctest rely on these.
enum class exit_code : int {
  ok = 0,        // everything checked conforms / was reproduced
  finding = 1,   // a nonconformance, regression or behaviour difference was found
  failure = 2,   // bad usage, bad input, or the infrastructure failed (message says which)
  skipped = 77,  // a requested runtime is not installed (ctest's SKIP_RETURN_CODE)
};

/// The more severe of two outcomes: a run that could not complete (failure) outranks a
/// finding, since what was not checked may hide more.
constexpr exit_code worse(exit_code a, exit_code b) {
  auto rank = [](exit_code c) {
    switch (c) {
      case exit_code::ok:
        return 0;
      case exit_code::skipped:
        return 1;
      case exit_code::finding:
        return 2;
      case exit_code::failure:
        return 3;
    }
    return 3;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace aioconform::cli
