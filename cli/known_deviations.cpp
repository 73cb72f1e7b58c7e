#include "cli/known_deviations.h"

#include <algorithm>

#include "format/format_error.h"
#include "format/json_file.h"

namespace aioconform::cli {

const known_deviation* known_deviations::find(std::string_view runtime,
                                              std::string_view scenario) const {
  for (const known_deviation& d : entries) {
    if (d.runtime == runtime && d.scenario == scenario) return &d;
  }
  return nullptr;
}

std::set<std::string> known_deviations::clauses_for(std::string_view runtime_name,
                                                    const nlohmann::json& runtime_object) const {
  std::set<std::string> out;
  for (const known_deviation& d : entries) {
    if (d.applies_to(runtime_name, runtime_object)) out.insert(d.clause);
  }
  return out;
}

bool known_deviation::applies_to(std::string_view runtime_name,
                                 const nlohmann::json& runtime_object) const {
  if (runtime == runtime_name) return true;
  if (!runtime_object.is_object()) return false;
  const std::string identity =
      runtime_object.value("implementation", "") + " " + runtime_object.value("version", "");
  return std::find(interpreters.begin(), interpreters.end(), identity) != interpreters.end();
}

known_deviations load_known_deviations(const std::filesystem::path& path) {
  known_deviations out;
  if (!std::filesystem::exists(path)) return out;
  const std::string file = path.string();
  nlohmann::json doc = format::load_json_file(path);
  if (!doc.is_object() || doc.value("format", "") != "aioconform.deviations/1") {
    throw format::format_error(file, "$.format", "expected \"aioconform.deviations/1\"");
  }
  auto list = doc.find("deviations");
  if (list == doc.end() || !list->is_array()) {
    throw format::format_error(file, "$.deviations", "expected an array");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& d = (*list)[i];
    const std::string at = "$.deviations[" + std::to_string(i) + "]";
    if (!d.is_object()) throw format::format_error(file, at, "expected an object");
    known_deviation entry;
    for (auto [field, target] :
         {std::pair{"runtime", &entry.runtime}, std::pair{"scenario", &entry.scenario},
          std::pair{"clause", &entry.clause}, std::pair{"why", &entry.why}}) {
      auto it = d.find(field);
      if (it == d.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw format::format_error(file, at + "." + field, "expected a non-empty string");
      }
      *target = it->get<std::string>();
    }
    if (auto it = d.find("interpreters"); it != d.end()) {
      if (!it->is_array())
        throw format::format_error(file, at + ".interpreters", "expected an array");
      for (std::size_t k = 0; k < it->size(); ++k) {
        const nlohmann::json& name = (*it)[k];
        if (!name.is_string() || name.get<std::string>().find(' ') == std::string::npos) {
          throw format::format_error(
              file, at + ".interpreters[" + std::to_string(k) + "]",
              "expected \"IMPLEMENTATION VERSION\", e.g. \"cpython 3.11.2\"");
        }
        entry.interpreters.push_back(name.get<std::string>());
      }
    }
    out.entries.push_back(std::move(entry));
  }
  return out;
}

}  // namespace aioconform::cli
