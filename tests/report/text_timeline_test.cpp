#include "report/text_timeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "format/scenario_codec.h"
#include "spec/model/annotate.h"
#include "spec/model/profile.h"
#include "tests/report/corpus_fixture.h"

namespace aioconform::report {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

timeline seed_timeline(const std::string& runtime) {
  const json doc =
      testing::read_json(testing::golden_dir() / "scenarios/seeds/004-flaky-gather.json");
  const format::scenario sc = format::parse_scenario(doc, "004-flaky-gather.json");
  const json trace = testing::read_json(testing::trace_path(runtime, "seeds/004-flaky-gather"));
  return make_timeline(doc, trace,
                       model::annotate(sc, trace, *model::profile_of_runtime(trace["runtime"])));
}

TEST(render_text, draws_one_row_per_event_with_lanes_glyphs_and_clauses) {
  const timeline tl = seed_timeline("cpython-3.13");
  const std::string text = render_text(tl);
  const auto lines = lines_of(text);
  EXPECT_EQ(lines[0], "seeds/004-flaky-gather on cpython-3.13: completed");
  EXPECT_NE(text.find("lanes: A main  B flaky0#1  C flaky1#1  D flaky2#1"), std::string::npos)
      << text;
  // Header, then the events: main's start is a 'o' in lane A at t=0.
  const auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("event  [clause]") != std::string::npos;
  });
  ASSERT_NE(header, lines.end()) << text;
  EXPECT_EQ(static_cast<std::size_t>(lines.end() - header - 1), tl.events.size()) << text;
  EXPECT_EQ(header[1].substr(0, 9), "     0  o") << text;
  // The gather's failure reaches main (lane A, '<') with the clause that decided it.
  EXPECT_NE(text.find("gather raised ValueError()  [gather.exception.first-propagates]"),
            std::string::npos)
      << text;
  // flaky2's cancelled exit: 'C' in lane D, lanes A-C already ended.
  EXPECT_EQ(lines.back().substr(0, 16), "     1        C ") << text;
}

TEST(render_text, never_exceeds_the_width_asked_for) {
  const timeline tl = seed_timeline("cpython-3.13");
  for (std::size_t width : {40u, 60u, 100u}) {
    for (const std::string& line : lines_of(render_text(tl, width))) {
      EXPECT_LE(line.size(), width) << line;
    }
  }
  // Narrow widths clip the descriptions, not the lanes.
  EXPECT_NE(render_text(tl, 40).find("..."), std::string::npos);
}

TEST(render_text, marks_the_marked_event_and_says_why) {
  timeline tl = seed_timeline("cpython-3.13");
  tl.marked = 11;
  tl.marked_note = "here";
  const auto lines = lines_of(render_text(tl));
  std::size_t marked_rows = 0;
  for (const std::string& line : lines) marked_rows += line.starts_with(">>") ? 1 : 0;
  EXPECT_EQ(marked_rows, 2u);  // the row, and the note under the timeline
  EXPECT_EQ(lines.back(), ">> event 11: here");
}

TEST(render_text_pair, marks_the_first_difference_in_both_timelines) {
  const timeline a = seed_timeline("cpython-3.11");
  const timeline b = seed_timeline("cpython-3.13");
  const std::string both = render_text_pair(a, b, 4);
  EXPECT_NE(both.find("on cpython-3.11"), std::string::npos);
  EXPECT_NE(both.find("on cpython-3.13"), std::string::npos);
  EXPECT_NE(both.find(">> event 4: the first event where cpython-3.11 and cpython-3.13 differ"),
            std::string::npos)
      << both;
  const std::string same = render_text_pair(a, a, std::nullopt);
  EXPECT_EQ(same.find(">>"), std::string::npos) << same;
  EXPECT_NE(same.find("the same events"), std::string::npos) << same;
}

TEST(render_text, an_unsupported_run_says_what_the_runtime_lacks) {
  const json trace =
      testing::read_json(testing::trace_path("cpython-3.8", "taskgroup/body-raises"));
  const std::string text = render_text(make_timeline(json::object(), trace, {}));
  EXPECT_NE(text.find("nothing ran: the runtime lacks task_group"), std::string::npos) << text;
}

}  // namespace
}  // namespace aioconform::report
