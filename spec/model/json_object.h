#pragma once

// json_object: the trace objects the model builds for every event and outcome.

#include <nlohmann/json.hpp>
#include <utility>

namespace aioconform::model {

namespace detail {
inline void add_members(nlohmann::json&) {}
template <class V, class... Rest>
void add_members(nlohmann::json& out, const char* key, V&& value, Rest&&... rest) {
  out.emplace(key, std::forward<V>(value));
  add_members(out, std::forward<Rest>(rest)...);
}
}  // namespace detail

/// The object {key1: value1, key2: value2, ...}, as `{{key1, value1}, ...}` makes it but
/// without nlohmann's initializer-list detour (an array per member, then copies): that
/// detour was a fifth of a simulation's instructions.
template <class... Members>
[[nodiscard]] nlohmann::json json_object(Members&&... members) {
  nlohmann::json out = nlohmann::json::object();
  detail::add_members(out, std::forward<Members>(members)...);
  return out;
}

}  // namespace aioconform::model
