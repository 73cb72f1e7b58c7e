#include "format/features.h"

namespace aioconform::format {

const std::set<std::string, std::less<>>& known_features() {
  static const std::set<std::string, std::less<>> names = {
      std::string(features::as_completed_async_for), std::string(features::cancel_message),
      std::string(features::task_group), std::string(features::timeout)};
  return names;
}

}  // namespace aioconform::format
