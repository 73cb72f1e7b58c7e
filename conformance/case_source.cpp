#include "conformance/case_source.h"

#include "format/scenario_codec.h"
#include "properties/scenario_generators.h"

namespace aioconform::conformance {

rc::Shrinkable<live_case> make_case(std::uint64_t seed, std::uint64_t index,
                                    const model::profile& profile) {
  const std::string name = "check/case-" + std::to_string(index);
  rc::Gen<live_case> gen =
      rc::gen::map(properties::gen_scenario_draft(), [profile, name](const nlohmann::json& draft) {
        nlohmann::json doc = properties::realize(draft, profile);
        doc["name"] = name;
        return live_case{doc, format::parse_scenario(doc, name)};
      });
  // SplitMix64 of (seed, index): independent streams per case, whatever the shard.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  // RapidCheck's own progression: sizes cycle through 0..99 as cases go on.
  const int size = static_cast<int>(index % 100);
  return gen(rc::Random(z), size);
}

}  // namespace aioconform::conformance
