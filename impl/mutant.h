#pragma once

// Test-only build variant of the reference runtime (issue 6): real CPython bugs, fixed
// upstream, each brought back as one small deviation in impl/ guarded by reintroduces(N),
// N being the bug's CPython issue (gh-N). Only tests/mutants/impl/ compiles impl/ with
// AIOCONFORM_IMPL_MUTANTS, into an adapter that switches on one bug at start-up. In the normal
// build reintroduces() is a constant false and every deviation is dead code.

namespace aioconform::impl {

/// The CPython issues whose bugs the mutant build can bring back.
inline constexpr int mutant_issues[] = {76865, 86057, 95289, 95704};

#ifdef AIOCONFORM_IMPL_MUTANTS
/// The issue whose bug is on in this process (0: none), set once at start-up.
inline int active_mutant = 0;

/// True when the bug of CPython issue gh-`issue` is on.
inline bool reintroduces(int issue) {
  return active_mutant == issue;
}
#else
constexpr bool reintroduces(int /*issue*/) {
  return false;
}
#endif

}  // namespace aioconform::impl
