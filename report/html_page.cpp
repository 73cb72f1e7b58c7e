#include "report/html_page.h"

#include <fmt/format.h>

#include "report/html_escape.h"
#include "report/matrix_markdown.h"

namespace aioconform::report {
namespace {

constexpr const char* style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:2px 6px;white-space:nowrap}
th{background:#f4f4f4;position:sticky;top:0}td.clause{font-family:monospace}
tr.family th{background:#e8eef7;text-align:left}
td.pass{background:#e3f4e1}td.deviation{background:#fde2e1}td.known{background:#fff0d6}
td.na{background:#eee;color:#888}td.none{color:#bbb}
td a{color:inherit}
.example{border:1px solid #ddd;padding:.5em 1em;margin:1em 0}.example:target{border-color:#d62728;box-shadow:0 0 6px #d62728}
pre{background:#f8f8f8;padding:.5em;overflow-x:auto;font-size:12px}
svg.timeline{max-width:100%;height:auto}
.tl-title{font:bold 12px sans-serif}.tl-time{font:10px sans-serif;fill:#666}
.tl-lane{font:11px monospace}.tl-tick{stroke:#ddd}.tl-life{stroke:#999;stroke-width:2}
.tl-mark{stroke:#d62728;stroke-width:2;stroke-dasharray:4 2}
#filter{margin:.5em 0}
)";

// Hides the rows without a deviation when asked, and counts the deviating cells.
constexpr const char* script = R"(
(function () {
  var box = document.getElementById('only-deviations');
  var rows = document.querySelectorAll('#matrix tr.clause-row');
  var count = document.querySelectorAll('#matrix td.deviation, #matrix td.known').length;
  document.getElementById('deviation-count').textContent = String(count);
  box.addEventListener('change', function () {
    rows.forEach(function (row) {
      var deviating = row.querySelector('td.deviation, td.known') !== null;
      row.style.display = box.checked && !deviating ? 'none' : '';
    });
  });
})();
)";

std::string cell_class(const conformance_matrix& m, const std::string& clause,
                       const std::string& runtime) {
  switch (m.status(clause, runtime)) {
    case cell_status::deviation:
      return m.counts(clause, runtime).unexplained > 0 ? "deviation" : "known";
    case cell_status::pass:
      return "pass";
    case cell_status::not_applicable:
      return "na";
    case cell_status::not_exercised:
      return "none";
  }
  return "none";
}

}  // namespace

std::string matrix_to_html(const conformance_matrix& m) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>aioconform conformance matrix</title>\n<style>";
  out += style;
  out += "</style></head><body>\n<h1>aioconform conformance matrix</h1>\n";
  out += fmt::format("<p>Regenerate: <code>{}</code></p>\n", html_escape(m.command));
  out +=
      "<p>Rows are the clauses of <code>spec/SPEC.md</code>, grouped by family; columns are "
      "runtimes. A cell counts the golden traces and sampled cases the model judged: "
      "<b>ok N</b> accepted, <b>dev N</b> known deviations (<code>spec/deviations.json</code>), "
      "<b>DEV N</b> deviations including unexplained ones (each links to its counterexample), "
      "<b>n/a</b> the runtime lacks a feature the scenarios need, <b>-</b> not exercised.</p>\n";
  out +=
      "<table id=\"runtimes\"><tr><th>runtime</th><th>profile</th><th>golden traces</th>"
      "<th>sample cases</th><th>note</th></tr>\n";
  for (const runtime_column& r : m.runtimes()) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       html_escape(r.name), html_escape(r.profile), r.golden_traces, r.sample_cases,
                       html_escape(r.note));
  }
  out += "</table>\n<h2>Clauses by runtime</h2>\n";
  out +=
      "<div id=\"filter\"><label><input type=\"checkbox\" id=\"only-deviations\"> only clauses "
      "with a deviation</label> (<span id=\"deviation-count\">?</span> deviating cells)</div>\n";
  out += "<table id=\"matrix\"><thead><tr><th>clause</th>";
  for (const runtime_column& r : m.runtimes()) out += "<th>" + html_escape(r.name) + "</th>";
  out += "</tr></thead><tbody>\n";
  std::string family;
  for (const clause_entry& c : m.rows()) {
    if (c.family != family) {
      family = c.family;
      out += fmt::format("<tr class=\"family\"><th colspan=\"{}\">{}</th></tr>\n",
                         m.runtimes().size() + 1, html_escape(family));
    }
    out += fmt::format("<tr class=\"clause-row\"><td class=\"clause\">{}</td>", html_escape(c.id));
    for (const runtime_column& r : m.runtimes()) {
      const std::string label = html_escape(cell_label(m, c.id, r.name));
      const auto examples = m.examples_of(c.id, r.name);
      const std::string content =
          examples.empty() ? label
                           : fmt::format("<a href=\"#cx-{}\">{}</a>", examples.front() + 1, label);
      out += fmt::format("<td class=\"{}\">{}</td>", cell_class(m, c.id, r.name), content);
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  if (!m.example_svg.empty()) {
    out +=
        fmt::format("<h2>Example timeline</h2>\n<div class=\"example\" id=\"example\"><p>{}</p>\n",
                    html_escape(m.example_caption));
    out += m.example_svg + "<pre>" + html_escape(m.example_text) + "</pre></div>\n";
  }
  out += "<h2>Counterexamples</h2>\n";
  if (m.counterexamples().empty()) out += "<p>None: every judged trace was accepted.</p>\n";
  for (std::size_t i = 0; i < m.counterexamples().size(); ++i) {
    const counterexample& e = m.counterexamples()[i];
    out += fmt::format(
        "<div class=\"example\" id=\"cx-{}\"><h3>{}. {} on {}: <code>{}</code> ({})</h3>\n"
        "<p>{}</p><p>Origin: {}. Reproduce: <code>{}</code></p>\n",
        i + 1, i + 1, html_escape(e.scenario), html_escape(e.runtime), html_escape(e.clause),
        e.known ? "known deviation" : "unexplained", html_escape(e.explanation),
        html_escape(e.origin), html_escape(e.reproduce));
    out += e.timeline_svg;
    out += "<pre>" + html_escape(e.timeline_text) + "</pre></div>\n";
  }
  out += "<script>";
  out += script;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace aioconform::report
