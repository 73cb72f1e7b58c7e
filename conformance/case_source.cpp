#include "conformance/case_source.h"

#include <utility>

#include "format/scenario_codec.h"
#include "properties/scenario_generators.h"

namespace aioconform::conformance {

rc::Shrinkable<live_case> make_case(std::uint64_t seed, std::uint64_t index,
                                    const model::profile& profile) {
  // Built once: a generator is immutable, and building one allocates its whole tree of
  // combinators. Mapping the draft's shrinkable is what gen::map would do, per case.
  static const rc::Gen<properties::draft> drafts = properties::gen_scenario_draft();
  std::string name = "check/case-" + std::to_string(index);
  // SplitMix64 of (seed, index): independent streams per case, whatever the shard.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  // RapidCheck's own progression: sizes cycle through 0..99 as cases go on.
  const int size = static_cast<int>(index % 100);
  return rc::shrinkable::map(drafts(rc::Random(z), size),
                             [profile, name = std::move(name)](const properties::draft& draft) {
                               nlohmann::json doc = properties::realize(draft, profile);
                               doc["name"] = name;
                               format::scenario scenario = format::parse_scenario(doc, name);
                               return live_case{std::move(doc), std::move(scenario)};
                             });
}

}  // namespace aioconform::conformance
