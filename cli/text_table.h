#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace aioconform::cli {

/// A plain-text table for terminals: a header row, columns padded to their widest cell,
/// numeric columns right-aligned so that counts line up.
class text_table {
 public:
  explicit text_table(std::vector<std::string> header);

  /// Right-aligns column `index` (counts).
  void align_right(std::size_t index);
  void add_row(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }

  /// The table, each line indented by `indent` spaces and ending in a newline.
  std::string str(std::size_t indent = 0) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace aioconform::cli
