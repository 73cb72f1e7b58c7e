#include "format/trace_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <set>
#include <vector>

#include "format/canonical_json.h"
#include "format/features.h"
#include "format/format_version.h"
#include "format/json_file.h"
#include "format/json_reader.h"
#include "format/names.h"
#include "format/scenario.h"
#include "format/utf8.h"

namespace aioconform::format {
namespace {

using json = nlohmann::json;
using names = std::span<const std::string_view>;

constexpr std::int64_t max_int = std::numeric_limits<std::int64_t>::max();

constexpr std::array<std::string_view, 10> event_kinds = {
    "start", "step",  "cancel",    "await_end", "block_end",
    "yield", "state", "on_cancel", "exit",      "report"};
constexpr std::array<std::string_view, 3> end_kinds = {"completed", "hang", "unsupported"};
constexpr std::array<std::string_view, 3> task_states = {"pending", "done", "cancelled"};

/// True when `at` is a step path: `2`, or `3.0` for step 0 inside step 3's block or body.
bool is_step_path(std::string_view at) {
  bool number_start = true;
  bool leading_zero = false;
  for (char c : at) {
    if (c == '.') {
      if (number_start) return false;
      number_start = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (!number_start && leading_zero) return false;  // "01"
    leading_zero = number_start && c == '0';
    number_start = false;
  }
  return !number_start;
}

/// A node's JSON path, spelled out only when a check of it fails: a trace has hundreds of
/// nodes, and building each one's path string cost more than checking the node.
class lazy_path {
 public:
  /// The root of the document.
  lazy_path() = default;

  /// The member `key` (which must outlive the child) of the object at this path.
  [[nodiscard]] lazy_path operator/(std::string_view key) const { return {this, key, 0, false}; }
  /// The element `index` of the array at this path.
  [[nodiscard]] lazy_path operator/(std::size_t index) const { return {this, {}, index, true}; }

  [[nodiscard]] json_path spelled() const {
    if (parent_ == nullptr) return {};
    return is_index_ ? parent_->spelled() / index_ : parent_->spelled() / key_;
  }

 private:
  lazy_path(const lazy_path* parent, std::string_view key, std::size_t index, bool is_index)
      : parent_(parent), key_(key), index_(index), is_index_(is_index) {}

  const lazy_path* parent_ = nullptr;  ///< null for the root; else it outlives this path
  std::string_view key_;               ///< a member's key
  std::size_t index_ = 0;              ///< an element's index
  bool is_index_ = false;
};

/// Checks a trace document. One method per part of trace.md; one per event kind.
class trace_validator {
 public:
  trace_validator(const json& doc, const std::string& file) : doc_(doc), in_(file) {}

  void validate() const {
    const lazy_path root;
    object(doc_, root);
    in_.expect_format(doc_, trace_format);
    object(doc_, root,
           {"format", "scenario", "runtime", "end", "missing", "events", "futures", "reports"});
    const std::string& scenario = string(required(doc_, root, "scenario"), root / "scenario");
    if (!is_valid_scenario_name(scenario)) {
      fail(root / "scenario", fmt::format("invalid scenario name '{}'", printable_utf8(scenario)));
    }
    check_runtime(required(doc_, root, "runtime"), root / "runtime");
    const std::string& end = one_of(required(doc_, root, "end"), root / "end", "end", end_kinds);
    const json& missing = check_missing(required(doc_, root, "missing"), root / "missing");
    const json& events = array(required(doc_, root, "events"), root / "events");
    for (std::size_t i = 0; i < events.size(); ++i) check_event(events[i], root / "events" / i);
    const json& futures = object(required(doc_, root, "futures"), root / "futures");
    for (const auto& [name, entry] : futures.items()) {
      check_future_entry(name, entry, root / "futures" / name);
    }
    const json& reports = array(required(doc_, root, "reports"), root / "reports");
    check_reports(reports, root / "reports");

    if (end == "unsupported") {
      if (missing.empty()) {
        fail(root / "missing", "an unsupported trace lists the missing features");
      }
      if (!events.empty()) fail(root / "events", "an unsupported trace has no events");
      if (!futures.empty()) fail(root / "futures", "an unsupported trace has no futures");
      if (!reports.empty()) fail(root / "reports", "an unsupported trace has no reports");
    } else {
      if (!missing.empty()) {
        fail(root / "missing", fmt::format("only an unsupported trace lists missing "
                                           "features (end is '{}')",
                                           end));
      }
      if (!futures.contains("main")) {
        fail(root / "futures", fmt::format("missing 'main' (end is '{}')", end));
      }
    }
  }

 private:
  // --- the header -----------------------------------------------------------------------

  void check_runtime(const json& node, const lazy_path& at) const {
    object(
        node, at,
        {"name", "implementation", "version", "loop", "tasks", "task_factory", "clock", "unit_ms"});
    if (const json* name = json_reader::optional(node, "name")) {
      non_empty_string(*name, at / "name");
    }
    non_empty_string(required(node, at, "implementation"), at / "implementation");
    non_empty_string(required(node, at, "version"), at / "version");
    non_empty_string(required(node, at, "loop"), at / "loop");
    one_of(required(node, at, "tasks"), at / "tasks", "tasks",
           std::array<std::string_view, 4>{"c", "python", "model", "impl"});
    one_of(required(node, at, "task_factory"), at / "task_factory", "task_factory",
           std::array<std::string_view, 2>{"default", "eager"});
    const std::string& clock = one_of(required(node, at, "clock"), at / "clock", "clock",
                                      std::array<std::string_view, 2>{"virtual", "real"});
    const lazy_path unit_at = at / "unit_ms";
    const json& unit = required(node, at, "unit_ms");
    if (clock == "virtual") {
      if (unit != 0) fail(unit_at, "unit_ms is 0 on a virtual clock");
    } else {
      integer(unit, unit_at, 1, 1000000);
    }
  }

  const json& check_missing(const json& node, const lazy_path& at) const {
    array(node, at);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string& feature = string(node[i], at / i);
      if (!known_features().contains(feature)) {
        fail(at / i, fmt::format("unknown feature '{}' (expected one of: {})",
                                 printable_utf8(feature), fmt::join(known_features(), ", ")));
      }
      if (!seen.insert(feature).second) {
        fail(at / i, fmt::format("duplicate feature '{}'", feature));
      }
    }
    return node;
  }

  // --- events ---------------------------------------------------------------------------

  using event_check = void (trace_validator::*)(const json&, const lazy_path&) const;

  struct event_kind {
    std::string_view ev;
    std::vector<std::string_view> keys;  ///< allowed keys besides t, task, ev
    event_check check;
  };

  void check_event(const json& node, const lazy_path& at) const {
    object(node, at);
    integer(required(node, at, "t"), at / "t", 0, max_int);
    non_empty_string(required(node, at, "task"), at / "task");
    const std::string& ev = string(required(node, at, "ev"), at / "ev");
    static const std::array<event_kind, 10> kinds = {{
        {"start", {}, &trace_validator::check_start},
        {"step", {"at", "op"}, &trace_validator::check_step},
        {"cancel", {"at", "target", "returned", "msg"}, &trace_validator::check_cancel},
        {"await_end", {"at", "outcome"}, &trace_validator::check_await_end},
        {"block_end", {"at", "outcome"}, &trace_validator::check_block_end},
        {"yield", {"at", "i", "outcome", "future"}, &trace_validator::check_yield},
        {"state", {"at", "target", "state"}, &trace_validator::check_state},
        {"on_cancel", {"at", "policy", "message"}, &trace_validator::check_on_cancel},
        {"exit", {"outcome"}, &trace_validator::check_exit},
        {"report", {"message", "future", "exception"}, &trace_validator::check_report_event},
    }};
    for (const event_kind& kind : kinds) {
      if (kind.ev != ev) continue;
      for (const auto& [key, member] : node.items()) {
        bool known = key == "t" || key == "task" || key == "ev";
        for (std::string_view k : kind.keys) known = known || k == key;
        if (!known) {
          fail(at / key, fmt::format("unknown key '{}' for a '{}' event (expected: t, task, "
                                     "ev{}{})",
                                     printable_utf8(key), ev, kind.keys.size() ? ", " : "",
                                     fmt::join(kind.keys, ", ")));
        }
      }
      (this->*kind.check)(node, at);
      return;
    }
    fail(at / "ev", json_reader::unknown("event kind", ev, event_kinds));
  }

  /// `start`: the coroutine's body begins.
  void check_start(const json&, const lazy_path&) const {}

  /// `step`: the coroutine begins step `at`, whose `op` is given.
  void check_step(const json& node, const lazy_path& at) const {
    check_at(node, at);
    one_of(required(node, at, "op"), at / "op", "op", step_ops);
  }

  /// `cancel`: `target.cancel()` returned `returned`; `msg` when one was passed.
  void check_cancel(const json& node, const lazy_path& at) const {
    check_at(node, at);
    non_empty_string(required(node, at, "target"), at / "target");
    boolean(required(node, at, "returned"), at / "returned");
    if (const json* msg = json_reader::optional(node, "msg")) string(*msg, at / "msg");
  }

  /// `await_end`: an `await` step finished with `outcome`.
  void check_await_end(const json& node, const lazy_path& at) const {
    check_at(node, at);
    check_outcome(required(node, at, "outcome"), at / "outcome");
  }

  /// `block_end`: a `timeout` block finished with `outcome`.
  void check_block_end(const json& node, const lazy_path& at) const {
    check_at(node, at);
    check_outcome(required(node, at, "outcome"), at / "outcome");
  }

  /// `yield`: item `i` of an `as_completed` was awaited; `future` in the async-for form.
  void check_yield(const json& node, const lazy_path& at) const {
    check_at(node, at);
    integer(required(node, at, "i"), at / "i", 0, max_int);
    check_outcome(required(node, at, "outcome"), at / "outcome");
    if (const json* future = json_reader::optional(node, "future")) {
      non_empty_string(*future, at / "future");
    }
  }

  /// `state`: a `state` step saw `target` pending, done or cancelled.
  void check_state(const json& node, const lazy_path& at) const {
    check_at(node, at);
    non_empty_string(required(node, at, "target"), at / "target");
    one_of(required(node, at, "state"), at / "state", "state", task_states);
  }

  /// `on_cancel`: a CancelledError with `message` escaped step `at`; `policy` applies.
  void check_on_cancel(const json& node, const lazy_path& at) const {
    check_at(node, at);
    one_of(required(node, at, "policy"), at / "policy", "policy", on_cancel_kinds);
    string(required(node, at, "message"), at / "message");
  }

  /// `exit`: the coroutine body finished with `outcome`.
  void check_exit(const json& node, const lazy_path& at) const {
    check_outcome(required(node, at, "outcome"), at / "outcome");
  }

  /// `report`: the loop's exception handler was called during the run.
  void check_report_event(const json& node, const lazy_path& at) const { check_report(node, at); }

  void check_at(const json& node, const lazy_path& at) const {
    const std::string& path = string(required(node, at, "at"), at / "at");
    if (!is_step_path(path)) {
      fail(at / "at", fmt::format("expected a step path such as \"2\" or \"3.0\", found '{}'",
                                  printable_utf8(path)));
    }
  }

  // --- outcomes and values --------------------------------------------------------------

  void check_outcome(const json& node, const lazy_path& at) const {
    object(node, at, {"result", "exception", "cancelled"});
    if (node.size() != 1) {
      fail(at, "an outcome has exactly one of 'result', 'exception' and 'cancelled'");
    }
    if (const json* result = json_reader::optional(node, "result")) {
      check_value(*result, at / "result", 0);
    } else if (const json* exception = json_reader::optional(node, "exception")) {
      check_exception(*exception, at / "exception", 0);
    } else {
      const lazy_path cancelled_at = at / "cancelled";
      const json& cancelled = object(node["cancelled"], cancelled_at, {"message"});
      string(required(cancelled, cancelled_at, "message"), cancelled_at / "message");
    }
  }

  void check_exception(const json& node, const lazy_path& at, std::size_t depth) const {
    guard_depth(at, depth);
    object(node, at, {"type", "message", "exceptions"});
    non_empty_string(required(node, at, "type"), at / "type");
    string(required(node, at, "message"), at / "message");
    if (const json* members = json_reader::optional(node, "exceptions")) {
      const lazy_path members_at = at / "exceptions";
      array(*members, members_at);
      for (std::size_t i = 0; i < members->size(); ++i) {
        check_exception((*members)[i], members_at / i, depth + 1);
      }
    }
  }

  void check_value(const json& node, const lazy_path& at, std::size_t depth) const {
    switch (node.type()) {
      case json::value_t::null:
      case json::value_t::boolean:
      case json::value_t::string:
        return;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
        integer(node, at, std::numeric_limits<std::int64_t>::min(), max_int);
        return;
      case json::value_t::number_float:
        fail(at, "floats are not allowed in traces");
      case json::value_t::array:
        guard_depth(at, depth);
        for (std::size_t i = 0; i < node.size(); ++i) check_value(node[i], at / i, depth + 1);
        return;
      case json::value_t::object:
        guard_depth(at, depth);
        check_object_value(node, at, depth);
        return;
      default:
        fail(at, fmt::format("{} is not a JSON value", json_reader::type_name(node)));
    }
  }

  /// A plain object, or one of the encodings `{"$exception": ...}`, `{"$future": NAME}`,
  /// `{"$set": [...]}` (elements sorted by canonical JSON).
  void check_object_value(const json& node, const lazy_path& at, std::size_t depth) const {
    bool encoded = false;
    for (const auto& [key, member] : node.items()) encoded = encoded || key.starts_with('$');
    if (!encoded) {
      for (const auto& [key, member] : node.items()) check_value(member, at / key, depth + 1);
      return;
    }
    object(node, at, {"$exception", "$future", "$set"});
    if (node.size() != 1) {
      fail(at, "an encoded value has exactly one of '$exception', '$future' and '$set'");
    }
    if (const json* exception = json_reader::optional(node, "$exception")) {
      check_exception(*exception, at / "$exception", depth + 1);
    } else if (const json* future = json_reader::optional(node, "$future")) {
      non_empty_string(*future, at / "$future");
    } else {
      const lazy_path set_at = at / "$set";
      const json& elements = array(node["$set"], set_at);
      std::string previous;
      for (std::size_t i = 0; i < elements.size(); ++i) {
        check_value(elements[i], set_at / i, depth + 2);
        std::string key = canonical_compact(elements[i]);
        if (i > 0 && key < previous) {
          fail(set_at / i, "$set elements must be sorted by their canonical JSON");
        }
        previous = std::move(key);
      }
    }
  }

  void guard_depth(const lazy_path& at, std::size_t depth) const {
    if (depth >= max_trace_value_nesting) {
      fail(at, fmt::format("nesting deeper than {} levels", max_trace_value_nesting));
    }
  }

  // --- futures and reports --------------------------------------------------------------

  /// `futures[name]`: `{"kind": "task"|"future", "state": "pending" | OUTCOME}`.
  void check_future_entry(const std::string& name, const json& node, const lazy_path& at) const {
    if (name.empty()) fail(at, "a future's name must not be empty");
    object(node, at, {"kind", "state"});
    one_of(required(node, at, "kind"), at / "kind", "kind",
           std::array<std::string_view, 2>{"task", "future"});
    const json& state = required(node, at, "state");
    if (state.is_string()) {
      if (state != "pending") {
        fail(at / "state", fmt::format("expected \"pending\" or an outcome, found '{}'",
                                       printable_utf8(state.get_ref<const std::string&>())));
      }
      return;
    }
    check_outcome(state, at / "state");
  }

  /// `{"message": M, "future": NAME?, "exception": EXC?}`, as an entry of `reports` or the
  /// fields of a `report` event.
  void check_report(const json& node, const lazy_path& at) const {
    string(required(node, at, "message"), at / "message");
    if (const json* future = json_reader::optional(node, "future")) {
      non_empty_string(*future, at / "future");
    }
    if (const json* exception = json_reader::optional(node, "exception")) {
      check_exception(*exception, at / "exception", 0);
    }
  }

  void check_reports(const json& reports, const lazy_path& at) const {
    std::string previous;
    for (std::size_t i = 0; i < reports.size(); ++i) {
      object(reports[i], at / i, {"message", "future", "exception"});
      check_report(reports[i], at / i);
      std::string key = canonical_compact(reports[i]);
      if (i > 0 && key < previous) {
        fail(at / i, "reports must be sorted by their canonical JSON");
      }
      previous = std::move(key);
    }
  }

  // --- leaves ---------------------------------------------------------------------------

  const std::string& non_empty_string(const json& node, const lazy_path& at) const {
    const std::string& text = string(node, at);
    if (text.empty()) fail(at, "expected a non-empty string");
    return text;
  }

  const std::string& one_of(const json& node, const lazy_path& at, std::string_view what,
                            names expected) const {
    const std::string& text = string(node, at);
    for (std::string_view name : expected) {
      if (name == text) return text;
    }
    fail(at, json_reader::unknown(what, text, expected));
  }

  // --- json_reader's checks, with the path spelled out only on failure -------------------
  // Each checks the common case inline and leaves the failure, and its message, to in_.

  [[noreturn]] void fail(const lazy_path& at, std::string reason) const {
    in_.fail(at.spelled(), std::move(reason));
  }

  const json& object(const json& node, const lazy_path& at) const {
    if (!node.is_object()) in_.object(node, at.spelled());
    return node;
  }

  const json& object(const json& node, const lazy_path& at,
                     std::initializer_list<std::string_view> allowed) const {
    bool known = node.is_object();
    if (known) {
      for (auto it = node.begin(); known && it != node.end(); ++it) {
        known = std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end();
      }
    }
    if (!known) in_.object(node, at.spelled(), allowed);
    return node;
  }

  const json& array(const json& node, const lazy_path& at) const {
    if (!node.is_array()) in_.array(node, at.spelled());
    return node;
  }

  const std::string& string(const json& node, const lazy_path& at) const {
    if (!node.is_string()) in_.string(node, at.spelled());
    return node.get_ref<const std::string&>();
  }

  bool boolean(const json& node, const lazy_path& at) const {
    if (!node.is_boolean()) in_.boolean(node, at.spelled());
    return node.get<bool>();
  }

  std::int64_t integer(const json& node, const lazy_path& at, std::int64_t min,
                       std::int64_t max) const {
    if (node.is_number_unsigned()) {
      const auto value = node.get<std::uint64_t>();
      if (max >= 0 && value <= static_cast<std::uint64_t>(max) &&
          static_cast<std::int64_t>(value) >= min) {
        return static_cast<std::int64_t>(value);
      }
    } else if (node.is_number_integer()) {
      const auto value = node.get<std::int64_t>();
      if (value >= min && value <= max) return value;
    }
    return in_.integer(node, at.spelled(), min, max);
  }

  const json& required(const json& node, const lazy_path& at, std::string_view key) const {
    if (const json* member = json_reader::optional(node, key)) return *member;
    return in_.required(node, at.spelled(), key);
  }

  const json& doc_;
  json_reader in_;
};

}  // namespace

void validate_trace(const nlohmann::json& doc, const std::string& file) {
  trace_validator(doc, file).validate();
}

nlohmann::json load_trace(const std::filesystem::path& path) {
  nlohmann::json doc = load_json_file(path);
  validate_trace(doc, path.string());
  return doc;
}

}  // namespace aioconform::format
