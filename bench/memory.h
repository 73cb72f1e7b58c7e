#pragma once

#include <cstddef>

namespace aioconform::bench {

/// Resident memory of this process, read from /proc/self/status (Linux), in bytes.
///
/// A workload's cost per task is (peak - baseline) / n, measured in a process that runs
/// nothing else: reset_peak() lowers the kernel's high-water mark to the current RSS, so
/// the peak seen afterwards belongs to that workload alone.
struct memory_probe {
  /// Lowers VmHWM to VmRSS (writes "5" to /proc/self/clear_refs); false where unsupported.
  static bool reset_peak() noexcept;
  /// VmRSS now.
  static std::size_t current() noexcept;
  /// VmHWM: the highest RSS since the process started or since reset_peak().
  static std::size_t peak() noexcept;
};

}  // namespace aioconform::bench
