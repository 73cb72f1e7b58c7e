#include "spec/model/profile.h"

#include <charconv>

namespace aioconform::model {

std::string profile::name() const {
  return "3." + std::to_string(minor) + (eager ? "-eager" : "");
}

std::optional<profile> parse_profile(std::string_view text) {
  profile p;
  constexpr std::string_view eager_suffix = "-eager";
  if (text.size() > eager_suffix.size() && text.ends_with(eager_suffix)) {
    p.eager = true;
    text.remove_suffix(eager_suffix.size());
  }
  if (!text.starts_with("3.")) return std::nullopt;
  text.remove_prefix(2);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p.minor);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (p.minor < 8 || p.minor > 13) return std::nullopt;
  if (p.eager && p.minor < 12) return std::nullopt;
  return p;
}

std::optional<profile> profile_of_runtime(const nlohmann::json& runtime) {
  if (!runtime.is_object()) return std::nullopt;
  auto version = runtime.find("version");
  if (version == runtime.end() || !version->is_string()) return std::nullopt;
  std::string v = version->get<std::string>();
  // "3.12.1" -> "3.12"
  auto first = v.find('.');
  auto second = first == std::string::npos ? std::string::npos : v.find('.', first + 1);
  std::string major_minor = v.substr(0, second);
  auto factory = runtime.find("task_factory");
  bool eager = factory != runtime.end() && factory->is_string() && *factory == "eager";
  return parse_profile(major_minor + (eager ? "-eager" : ""));
}

}  // namespace aioconform::model
