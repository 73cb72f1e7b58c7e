#include "cli/reproduce_command.h"

#include <vector>

#include "adapters/command_line.h"

namespace aioconform::cli {

namespace fs = std::filesystem;

std::string display_path(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return path.string();
  const fs::path relative = absolute.lexically_normal().lexically_relative(fs::current_path(ec));
  if (ec || relative.empty() || *relative.begin() == "..") return path.string();
  return relative.string();
}

std::string reproduce_command(const cli_context& context, const fs::path& scenario,
                              const adapters::runtime_spec& runtime,
                              const std::optional<fs::path>& config_file) {
  std::vector<std::string> words = {context.program, "run", display_path(scenario)};
  if (runtime.source == "--runtime-cmd") {
    words.insert(words.end(), {"--runtime-cmd", adapters::join_command_line(runtime.command),
                               "--runtime-name", runtime.name});
  } else {
    words.insert(words.end(), {"--runtime", runtime.name});
    if (runtime.source == "config" && config_file) {
      words.insert(words.end(), {"--config", display_path(*config_file)});
    }
  }
  return adapters::join_command_line(words);
}

}  // namespace aioconform::cli
