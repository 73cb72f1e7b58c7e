#include "conformance/findings.h"

#include <fstream>

#include "conformance/python_repro.h"
#include "format/canonical_json.h"
#include "spec/model/simulate.h"
#include "spec/model/world.h"

namespace aioconform::conformance {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::filesystem::path write_finding(const std::filesystem::path& dir, const std::string& runtime,
                                    const std::string& case_name, const live_case& c,
                                    const judged_case& judged, const model::profile& profile,
                                    const std::string& reproduce) {
  std::filesystem::path base = dir / runtime / case_name;
  std::filesystem::path folder = base;
  for (int n = 2; std::filesystem::exists(folder); ++n) {
    folder = base;
    folder += "." + std::to_string(n);
  }
  std::filesystem::create_directories(folder);
  write_text(folder / "scenario.json", format::canonical_document(c.document));
  write_text(folder / "trace.json", format::canonical_document(judged.trace));
  try {
    write_text(folder / "model-trace.json",
               format::canonical_document(model::simulate(c.scenario, profile, 0).trace));
  } catch (const model::scenario_error&) {
    // judge_live already said the model cannot run it; nothing to add.
  }
  write_text(folder / "repro.py", python_repro(c.document, judged.verdict.explanation));
  std::filesystem::permissions(folder / "repro.py",
                               std::filesystem::perms::owner_exec |
                                   std::filesystem::perms::group_exec |
                                   std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  write_text(folder / "verdict.txt", judged.verdict.explanation + "\n\nreproduce:\n" + reproduce +
                                         "\n  " + "aioconform verify --profile " + profile.name() +
                                         " --scenario-file " + (folder / "scenario.json").string() +
                                         " " + (folder / "trace.json").string() + "\n");
  return folder;
}

}  // namespace aioconform::conformance
