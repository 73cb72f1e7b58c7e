#include "report/svg_timeline.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/html_escape.h"

namespace aioconform::report {
namespace {

constexpr int left = 150;     // room for lane names
constexpr int column = 18;    // one event
constexpr int lane_gap = 24;  // between lanes
constexpr int axis = 28;      // the time axis above the lanes

const char* colour(mark m) {
  switch (m) {
    case mark::start:
      return "#4c78a8";
    case mark::sleep:
      return "#b0b0b0";
    case mark::call:
      return "#2f6db5";
    case mark::step:
      return "#808080";
    case mark::returned_to:
      return "#7b4ea3";
    case mark::cancel_request:
      return "#f58518";
    case mark::cancel_arrives:
      return "#d96c00";
    case mark::state:
      return "#c0c0c0";
    case mark::completed:
      return "#3d9a3a";
    case mark::raised:
      return "#d62728";
    case mark::cancelled:
      return "#8c564b";
    case mark::report:
      return "#b279a2";
  }
  return "#808080";
}

int x_of(std::size_t column_index) {
  return left + column * static_cast<int>(column_index) + column / 2;
}

/// One timeline drawn with its top at `top`; returns the SVG and its height.
std::pair<std::string, int> block(const timeline& tl, int top, std::size_t columns) {
  std::string out;
  const int height = axis + lane_gap * static_cast<int>(std::max<std::size_t>(tl.lanes.size(), 1));
  out += fmt::format("<text x=\"4\" y=\"{}\" class=\"tl-title\">{} on {}</text>\n", top + 12,
                     html_escape(tl.scenario), html_escape(tl.runtime));
  // The time axis: a tick and label wherever t changes.
  std::int64_t last_t = -1;
  for (std::size_t k = 0; k < tl.events.size(); ++k) {
    if (tl.events[k].t == last_t) continue;
    last_t = tl.events[k].t;
    const int x = x_of(k) - column / 2;
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"tl-tick\"/>"
        "<text x=\"{3}\" y=\"{4}\" class=\"tl-time\">t={5}</text>\n",
        x, top + axis - 8, top + height, x + 2, top + axis - 10, last_t);
  }
  for (std::size_t i = 0; i < tl.lanes.size(); ++i) {
    const timeline_lane& lane = tl.lanes[i];
    const int y = top + axis + lane_gap * static_cast<int>(i) + lane_gap / 2;
    out += fmt::format(
        "<text x=\"4\" y=\"{}\" class=\"tl-lane\">{}</text>"
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"tl-life\"/>\n",
        y + 4, html_escape(lane.task), x_of(lane.first), y, x_of(lane.last), y);
  }
  if (tl.marked && *tl.marked <= columns) {
    const int x = x_of(*tl.marked);
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
        "class=\"tl-mark\"><title>{3}</title></line>\n",
        x, top + axis - 6, top + height, html_escape(tl.marked_note));
  }
  for (std::size_t k = 0; k < tl.events.size(); ++k) {
    const timeline_event& e = tl.events[k];
    const int y = top + axis + lane_gap * static_cast<int>(e.lane) + lane_gap / 2;
    const std::string tip = fmt::format("t={} {}: {}{}", e.t, tl.lanes[e.lane].task, e.text,
                                        e.clause.empty() ? "" : " [" + e.clause + "]");
    out += fmt::format(
        "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\" class=\"tl-ev\" data-mark=\"{}\">"
        "<title>{}</title></circle>\n",
        x_of(k), y, colour(e.kind), html_escape(mark_name(e.kind)), html_escape(tip));
  }
  return {out, height + 20};
}

std::string wrap_svg(const std::string& body, std::size_t columns, int height) {
  const int width = left + column * static_cast<int>(std::max<std::size_t>(columns, 1)) + 20;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\">\n{2}</svg>\n",
      width, height, body);
}

}  // namespace

std::string render_svg(const timeline& tl) {
  if (tl.end == "unsupported") {
    std::string missing;
    for (const std::string& m : tl.missing) missing += (missing.empty() ? "" : ", ") + m;
    return wrap_svg(
        fmt::format("<text x=\"4\" y=\"16\" class=\"tl-title\">{} on {}: "
                    "unsupported (lacks {})</text>\n",
                    html_escape(tl.scenario), html_escape(tl.runtime), html_escape(missing)),
        20, 26);
  }
  auto [body, height] = block(tl, 0, tl.events.size());
  return wrap_svg(body, tl.events.size(), height);
}

std::string render_svg_pair(const timeline& a, const timeline& b,
                            std::optional<std::size_t> difference) {
  timeline first = a;
  timeline second = b;
  for (timeline* tl : {&first, &second}) {
    tl->marked = difference;
    tl->marked_note = "first difference between " + a.runtime + " and " + b.runtime;
  }
  const std::size_t columns = std::max(a.events.size(), b.events.size());
  auto [top, top_height] = block(first, 0, columns);
  auto [bottom, bottom_height] = block(second, top_height, columns);
  return wrap_svg(top + bottom, columns, top_height + bottom_height);
}

}  // namespace aioconform::report
