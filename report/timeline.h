#pragma once

// A timeline: the layout model every renderer (text, SVG) draws. One lane per task (in the
// order tasks first act), events in trace order on virtual time, each event classified
// (start, sleep, combinator call and return, completion, exception, cancellation, ...),
// described in Python-like words, and annotated with the clause that decided it.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace aioconform::report {

/// What an event is, for the glyph or colour that draws it.
enum class mark {
  start,           ///< the coroutine's body begins
  sleep,           ///< a sleep step
  call,            ///< a combinator call, create_task, a future or a timeout block opens
  step,            ///< any other step (raise, return, event, ...)
  returned_to,     ///< an await, a timeout block or an as_completed item finished
  cancel_request,  ///< X.cancel() was called
  cancel_arrives,  ///< a CancelledError reached the script (on_cancel)
  state,           ///< a done()/cancelled() probe
  completed,       ///< the coroutine returned
  raised,          ///< the coroutine raised an exception
  cancelled,       ///< the coroutine ended cancelled
  report,          ///< the loop's exception handler was called
};

/// The one-character glyph of a mark in text timelines, and its legend word.
[[nodiscard]] char glyph(mark m);
[[nodiscard]] const char* mark_name(mark m);

struct timeline_event {
  std::size_t index = 0;  ///< position in the trace's events
  std::size_t lane = 0;
  std::int64_t t = 0;
  mark kind = mark::step;
  std::string text;    ///< "await gather(a(), b())", "raised ValueError('boom')"
  std::string clause;  ///< the clause that decided it ("" when unknown)
};

struct timeline_lane {
  std::string task;
  std::size_t first = 0;  ///< index into timeline::events of its first event
  std::size_t last = 0;   ///< ... and of its last
};

struct timeline {
  std::string scenario;
  std::string runtime;               ///< the trace's runtime name ("model-3.13" for a simulation)
  std::string end;                   ///< "completed", "hang" or "unsupported"
  std::vector<std::string> missing;  ///< with "unsupported": the features lacking
  std::vector<timeline_lane> lanes;
  std::vector<timeline_event> events;
  std::vector<std::string> reports;   ///< never-retrieved reports after the run, as text
  std::optional<std::size_t> marked;  ///< an event to point at (first difference, rejection)
  std::string marked_note;            ///< why it is marked
};

/// Lays out `trace` (aioconform.trace/1). `scenario` is the scenario document (its source
/// JSON), used to describe steps; `clauses` has one entry per event (missing entries count
/// as unknown).
[[nodiscard]] timeline make_timeline(const nlohmann::json& scenario, const nlohmann::json& trace,
                                     const std::vector<std::string>& clauses);

/// The index of the first event where two traces differ (by canonical JSON), or the length
/// of the shorter one when one is a prefix of the other; nullopt when their events agree.
[[nodiscard]] std::optional<std::size_t> first_event_difference(const nlohmann::json& a,
                                                                const nlohmann::json& b);

}  // namespace aioconform::report
