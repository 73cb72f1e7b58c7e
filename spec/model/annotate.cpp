#include "spec/model/annotate.h"

#include "spec/model/run.h"
#include "spec/model/schedule.h"
#include "spec/model/world.h"

namespace aioconform::model {
namespace {

/// Thrown to abandon a schedule at its first event that differs from the trace.
struct diverged {};

/// Matches the model's events against the trace's, noting each matched event's clause.
class clause_sink : public event_sink {
 public:
  clause_sink(const json& observed, std::size_t& position) : observed_(observed), index_(position) {
    index_ = 0;
  }
  void event(json ev, std::string_view clause) override {
    if (index_ >= observed_.size() || ev != observed_[index_]) throw diverged{};
    clauses.emplace_back(clause);
    ++index_;
  }
  std::vector<std::string> clauses;

 private:
  const json& observed_;
  std::size_t& index_;
};

}  // namespace

std::vector<std::string> annotate(const format::scenario& sc, const json& trace, const profile& p,
                                  std::size_t max_schedules) {
  const json events = trace.value("events", json::array());
  std::vector<std::string> best;
  if (trace.value("end", "") == "unsupported" || events.empty()) {
    return std::vector<std::string>(events.size());
  }
  std::size_t position = 0;
  // The same ranking as check: a timer whose owner acts sooner in the trace is tried first.
  schedule_explorer explorer([&](const std::string& owner) {
    for (std::size_t i = position; i < events.size(); ++i) {
      if (events[i].value("task", "") == owner) return i - position;
    }
    return events.size();
  });
  std::size_t schedules = 0;
  do {
    clause_sink sink(events, position);
    try {
      (void)run_scenario(sc, p, sink, explorer);
    } catch (diverged&) {
      explorer.truncate_to_made();
    }
    if (sink.clauses.size() > best.size()) best = std::move(sink.clauses);
    if (best.size() == events.size()) break;
  } while (++schedules < max_schedules && explorer.next());
  best.resize(events.size());
  return best;
}

}  // namespace aioconform::model
