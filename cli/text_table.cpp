#include "cli/text_table.h"

#include <algorithm>
#include <utility>

namespace aioconform::cli {

text_table::text_table(std::vector<std::string> header)
    : header_(std::move(header)), right_(header_.size(), false) {}

void text_table::align_right(std::size_t index) {
  if (index < right_.size()) right_[index] = true;
}

void text_table::add_row(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

std::string text_table::str(std::size_t indent) const {
  std::vector<std::size_t> widths(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    widths[c] = header_[c].size();
    for (const auto& row : rows_) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  auto write_row = [&](const std::vector<std::string>& row) {
    std::string line(indent, ' ');
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = widths[c] - row[c].size();
      if (c > 0) line += "  ";
      if (right_[c]) line.append(pad, ' ');
      line += row[c];
      if (!right_[c] && c + 1 < row.size()) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  write_row(header_);
  for (const auto& row : rows_) write_row(row);
  return out;
}

}  // namespace aioconform::cli
