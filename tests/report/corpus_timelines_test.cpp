// Every corpus scenario explains: its model timeline and every runtime's golden timeline fit
// 100 columns, and on every trace the model accepts, every event is annotated with a clause.

#include <gtest/gtest.h>

#include <sstream>

#include "format/scenario_codec.h"
#include "report/svg_timeline.h"
#include "report/text_timeline.h"
#include "report/timeline.h"
#include "spec/model/annotate.h"
#include "spec/model/check.h"
#include "spec/model/simulate.h"
#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) widest = std::max(widest, line.size());
  return widest;
}

TEST(corpus_timelines, every_model_timeline_fits_100_columns) {
  const auto names = testing::scenario_names();
  ASSERT_GT(names.size(), 100u);
  for (const std::string& name : names) {
    const json doc = testing::read_json(testing::golden_dir() / "scenarios" / (name + ".json"));
    const format::scenario sc = format::parse_scenario(doc, name);
    const model::simulation sim = model::simulate(sc, model::latest_profile);
    const timeline tl = make_timeline(doc, sim.trace, sim.clauses);
    const std::string text = render_text(tl);
    EXPECT_LE(widest_line(text), 100u) << name << "\n" << text;
    for (const timeline_event& e : tl.events) {
      EXPECT_FALSE(e.clause.empty()) << name << " event " << e.index;
      // Every step is described from the scenario, not as raw JSON.
      EXPECT_NE(e.text.front(), '{') << name << " event " << e.index << ": " << e.text;
    }
  }
}

TEST(corpus_timelines, every_golden_trace_explains_within_100_columns_with_its_clauses) {
  std::size_t traces = 0;
  std::size_t annotated_events = 0;
  for (const std::string& name : testing::scenario_names()) {
    const json doc = testing::read_json(testing::golden_dir() / "scenarios" / (name + ".json"));
    const format::scenario sc = format::parse_scenario(doc, name);
    for (const std::string& runtime : testing::golden_runtimes()) {
      const auto path = testing::trace_path(runtime, name);
      if (!std::filesystem::exists(path)) continue;
      const json trace = testing::read_json(path);
      const auto p = model::profile_of_runtime(trace["runtime"]);
      ASSERT_TRUE(p) << path;
      const auto clauses = model::annotate(sc, trace, *p);
      ASSERT_EQ(clauses.size(), trace["events"].size()) << path;
      const bool accepted = model::check(sc, trace, *p).accepted;
      for (std::size_t i = 0; i < clauses.size(); ++i) {
        // An accepted trace is reproduced by some schedule, event for event.
        if (accepted) {
          EXPECT_FALSE(clauses[i].empty()) << path << " event " << i;
        }
        annotated_events += clauses[i].empty() ? 0 : 1;
      }
      const timeline tl = make_timeline(doc, trace, clauses);
      const std::string text = render_text(tl);
      EXPECT_LE(widest_line(text), 100u) << path << "\n" << text;
      const std::string svg = render_svg(tl);
      EXPECT_TRUE(svg.starts_with("<svg ")) << path;
      ++traces;
    }
  }
  EXPECT_GT(traces, 1000u);
  EXPECT_GT(annotated_events, 10000u);
}

}  // namespace
}  // namespace aioconform::report
