#include "report/text_timeline.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/step_summary.h"

namespace aioconform::report {
namespace {

/// A lane's one-character name: A-Z, then a-z, then '+' (shared by the rest).
char lane_letter(std::size_t lane) {
  if (lane < 26) return static_cast<char>('A' + lane);
  if (lane < 52) return static_cast<char>('a' + (lane - 26));
  return '+';
}

/// Words joined by two spaces after `first`, wrapped at `width`, later lines indented to
/// line up under the first word.
std::string wrap(const std::vector<std::string>& words, std::size_t width,
                 const std::string& first) {
  const std::size_t indent = first.size();
  std::string out = first;
  std::size_t column = indent;
  bool line_empty = true;
  for (const std::string& w : words) {
    const std::string piece = clip(w, width - indent);
    if (!line_empty && column + 2 + piece.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += "  ";
      column += 2;
    }
    out += piece;
    column += piece.size();
    line_empty = false;
  }
  return out;
}

}  // namespace

std::string render_text(const timeline& tl, std::size_t width) {
  width = std::max<std::size_t>(width, 40);
  std::string out =
      clip(fmt::format("{} on {}: {}", tl.scenario, tl.runtime, tl.end), width) + "\n";
  if (tl.end == "unsupported") {
    out +=
        clip(fmt::format("nothing ran: the runtime lacks {}", fmt::join(tl.missing, ", ")), width) +
        "\n";
    return out;
  }
  std::vector<std::string> lanes;
  for (std::size_t i = 0; i < tl.lanes.size(); ++i) {
    lanes.push_back(fmt::format("{} {}", lane_letter(i), tl.lanes[i].task));
  }
  out += wrap(lanes, width, "lanes: ") + "\n";
  std::vector<std::string> legend;
  for (mark m : {mark::start, mark::sleep, mark::call, mark::returned_to, mark::step,
                 mark::cancel_request, mark::cancel_arrives, mark::state, mark::completed,
                 mark::raised, mark::cancelled, mark::report}) {
    legend.push_back(fmt::format("{} {}", glyph(m), mark_name(m)));
  }
  out += wrap(legend, width, "marks: ") + "\n";

  // Lane columns are two characters wide when they fit, else one.
  const std::size_t lane_count = std::min<std::size_t>(tl.lanes.size(), 53);
  const std::size_t step = 8 + 2 * lane_count + 30 <= width ? 2 : 1;
  const std::size_t prefix = 8 + step * lane_count;  // ">>" marker, time, lanes
  const std::size_t rest = width > prefix ? width - prefix : 0;
  std::string header = fmt::format("{:>6}  ", "t");
  for (std::size_t i = 0; i < lane_count; ++i) {
    header += lane_letter(i);
    if (step == 2) header += ' ';
  }
  out += clip(header + "event  [clause]", width) + "\n";
  for (std::size_t k = 0; k < tl.events.size(); ++k) {
    const timeline_event& e = tl.events[k];
    std::string row = tl.marked == e.index ? ">>" : "  ";
    row += fmt::format("{:>4}  ", e.t);
    for (std::size_t i = 0; i < lane_count; ++i) {
      char c = ' ';
      const std::size_t lane = std::min(e.lane, lane_count - 1);
      if (i == lane) {
        c = glyph(e.kind);
      } else if (tl.lanes[i].first < k && k < tl.lanes[i].last) {
        c = '|';
      }
      row += c;
      if (step == 2) row += ' ';
    }
    const std::string clause = e.clause.empty() ? "" : "  [" + e.clause + "]";
    std::string text = e.text;
    if (lane_count < tl.lanes.size() && e.lane >= lane_count - 1) {
      text = tl.lanes[e.lane].task + ": " + text;
    }
    if (text.size() + clause.size() <= rest) {
      row += text + clause;
    } else if (clause.size() + 12 <= rest) {
      row += clip(text, rest - clause.size()) + clause;
    } else {
      row += clip(text + clause, rest);
    }
    out += row + "\n";
  }
  if (tl.end == "hang") out += clip("the run hangs here: nothing can ever run again", width) + "\n";
  for (const std::string& r : tl.reports) out += clip("after the run: " + r, width) + "\n";
  if (tl.marked) {
    out += clip(fmt::format(">> event {}: {}", *tl.marked, tl.marked_note), width) + "\n";
  }
  return out;
}

std::string render_text_pair(timeline a, timeline b, std::optional<std::size_t> difference,
                             std::size_t width) {
  for (timeline* tl : {&a, &b}) {
    tl->marked = difference;
    tl->marked_note = "the first event where " + a.runtime + " and " + b.runtime + " differ";
  }
  if (!difference) {
    return render_text(a, width) + clip("\n" + b.runtime + ": the same events.", width) + "\n";
  }
  return render_text(a, width) + "\n" + render_text(b, width);
}

}  // namespace aioconform::report
