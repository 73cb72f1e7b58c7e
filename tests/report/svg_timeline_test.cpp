#include "report/svg_timeline.h"

#include <gtest/gtest.h>

#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

timeline seed(const std::string& runtime) {
  const json doc =
      testing::read_json(testing::golden_dir() / "scenarios/seeds/004-flaky-gather.json");
  const json trace = testing::read_json(testing::trace_path(runtime, "seeds/004-flaky-gather"));
  std::vector<std::string> clauses(trace["events"].size(), "gather.future");
  return make_timeline(doc, trace, clauses);
}

TEST(render_svg, one_dot_per_event_one_line_per_lane_and_a_tick_per_time) {
  const timeline tl = seed("cpython-3.13");
  const std::string svg = render_svg(tl);
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(count(svg, "<circle "), tl.events.size());
  EXPECT_EQ(count(svg, "class=\"tl-life\""), tl.lanes.size());
  EXPECT_EQ(count(svg, "class=\"tl-tick\""), 2u);  // t=0 and t=1
  EXPECT_NE(svg.find(">t=1</text>"), std::string::npos);
  // Each dot's tooltip says what happened and its clause.
  EXPECT_NE(svg.find("<title>t=1 main: gather raised ValueError() [gather.future]</title>"),
            std::string::npos)
      << svg;
  EXPECT_EQ(svg.find("tl-mark"), std::string::npos);
}

TEST(render_svg, escapes_text_and_marks_the_marked_event) {
  timeline tl = seed("cpython-3.13");
  tl.events[0].text = "<b>&\"";
  tl.marked = 3;
  tl.marked_note = "why";
  const std::string svg = render_svg(tl);
  EXPECT_NE(svg.find("&lt;b&gt;&amp;&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"tl-mark\""), 1u);
}

TEST(render_svg_pair, draws_both_timelines_with_the_difference_across_both) {
  const std::string svg = render_svg_pair(seed("cpython-3.11"), seed("cpython-3.13"), 4);
  EXPECT_EQ(count(svg, "<svg "), 1u);
  EXPECT_EQ(count(svg, "class=\"tl-mark\""), 2u);
  EXPECT_NE(svg.find("on cpython-3.11"), std::string::npos);
  EXPECT_NE(svg.find("on cpython-3.13"), std::string::npos);
}

}  // namespace
}  // namespace aioconform::report
