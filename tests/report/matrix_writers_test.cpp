// The matrix's three forms (HTML, Markdown, JSON) from one small hand-made matrix.

#include <gtest/gtest.h>

#include "report/conformance_matrix.h"
#include "report/html_page.h"
#include "report/matrix_json.h"
#include "report/matrix_markdown.h"

namespace aioconform::report {
namespace {

conformance_matrix small_matrix() {
  conformance_matrix m(clause_catalog::parse(
      "## 1. `loop` - loop\n### 1.1 `loop.a`\n### 1.2 `loop.b`\n"
      "## 2. `gather` - gather\n### 2.1 `gather.x`\n### 2.2 `gather.unused`\n"));
  m.add_runtime("rt-1").profile = "3.12";
  m.add_runtime("rt-2").profile = "3.8";
  m.add_pass("loop.a", "rt-1");
  m.add_pass("loop.a", "rt-1");
  m.add_pass("loop.a", "rt-2");
  m.add_not_applicable("gather.x", "rt-2");
  counterexample e;
  e.runtime = "rt-1";
  e.clause = "gather.x";
  e.scenario = "gather/<odd>";
  e.explanation = "at events[3] the model allows A but the trace has B";
  e.reproduce = "aioconform explain gather/x --runtime rt-1";
  e.timeline_text = "gather/x on rt-1: completed\n";
  e.timeline_svg = "<svg class=\"timeline\"></svg>";
  m.add_deviation(e);
  e.runtime = "rt-2";
  e.clause = "loop.b";
  e.known = true;
  m.add_deviation(e);
  m.command = "aioconform matrix --cases 0";
  return m;
}

TEST(conformance_matrix, cells_count_and_rank_deviation_over_pass_over_not_applicable) {
  const conformance_matrix m = small_matrix();
  EXPECT_EQ(m.status("loop.a", "rt-1"), cell_status::pass);
  EXPECT_EQ(m.counts("loop.a", "rt-1").passes, 2u);
  EXPECT_EQ(m.status("gather.x", "rt-2"), cell_status::not_applicable);
  EXPECT_EQ(m.status("gather.x", "rt-1"), cell_status::deviation);
  EXPECT_EQ(m.counts("gather.x", "rt-1").unexplained, 1u);
  EXPECT_EQ(m.counts("loop.b", "rt-2").known_deviations, 1u);
  EXPECT_EQ(m.status("gather.unused", "rt-1"), cell_status::not_exercised);
  EXPECT_EQ(m.examples_of("loop.b", "rt-2"), std::vector<std::size_t>{1});
  ASSERT_EQ(m.rows().size(), 4u);
  EXPECT_EQ(m.rows()[2].family, "gather");
}

TEST(matrix_to_markdown, one_table_per_family_and_the_counterexamples) {
  const std::string md = matrix_to_markdown(small_matrix());
  EXPECT_NE(md.find("## loop\n\n| clause | rt-1 | rt-2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `loop.a` | ok 2 | ok 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `loop.b` | - | dev 1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `gather.x` | DEV 1 | n/a |"), std::string::npos) << md;
  EXPECT_NE(md.find("Reproduce: `aioconform explain gather/x --runtime rt-1`"), std::string::npos);
}

TEST(matrix_to_json, cells_carry_status_counts_and_counterexample_links) {
  const nlohmann::json j = matrix_to_json(small_matrix());
  EXPECT_EQ(j["format"], "aioconform.matrix/1");
  EXPECT_EQ(j["runtimes"].size(), 2u);
  EXPECT_EQ(j["clauses"][0]["cells"]["rt-1"]["status"], "pass");
  EXPECT_EQ(j["clauses"][2]["clause"], "gather.x");
  EXPECT_EQ(j["clauses"][2]["cells"]["rt-1"]["counterexamples"], nlohmann::json::array({0}));
  EXPECT_EQ(j["clauses"][2]["cells"]["rt-2"]["status"], "n/a");
  EXPECT_EQ(j["counterexamples"][1]["known"], true);
}

TEST(matrix_to_html, a_self_contained_page_linking_deviations_to_their_timelines) {
  const std::string html = matrix_to_html(small_matrix());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.find("<table id=\"matrix\">"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"family\"><th colspan=\"3\">gather</th></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"deviation\"><a href=\"#cx-1\">DEV 1</a></td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"known\"><a href=\"#cx-2\">dev 1</a></td>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"example\" id=\"cx-1\">"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"timeline\"></svg>"), std::string::npos);
  EXPECT_NE(html.find("gather/&lt;odd&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<odd>"), std::string::npos);
  // Nothing fetched from elsewhere: no external script, style, image or link.
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

}  // namespace
}  // namespace aioconform::report
