#include "format/format_error.h"

#include <utility>

namespace aioconform::format {
namespace {

std::string describe(const std::string& file, const std::string& json_path,
                     const std::string& reason) {
  std::string text = file + ": ";
  if (!json_path.empty()) text += json_path + ": ";
  return text + reason;
}

}  // namespace

format_error::format_error(std::string file_, std::string json_path_, std::string reason_)
    : std::runtime_error(describe(file_, json_path_, reason_)),
      file(std::move(file_)),
      json_path(std::move(json_path_)),
      reason(std::move(reason_)) {}

}  // namespace aioconform::format
