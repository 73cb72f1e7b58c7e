#include "format/scenario_codec.h"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <map>
#include <utility>

#include "format/features.h"
#include "format/format_version.h"
#include "format/json_file.h"
#include "format/json_reader.h"
#include "format/names.h"
#include "format/utf8.h"

namespace aioconform::format {
namespace {

using json = nlohmann::json;
namespace limits = scenario_limits;

/// Where the step or expression being read sits.
struct context {
  bool in_main;       ///< written in `main` (decides the default of `catch`)
  std::size_t depth;  ///< enclosing expressions and `timeout` blocks
};

/// Reads one scenario document into the model, failing at the first violation. Reading
/// order: the header fields, every script's name (so references may point forward), the
/// scripts by name, `main`, and last the `requires` check.
class scenario_parser {
 public:
  scenario_parser(const json& doc, const std::string& file) : doc_(doc), in_(file) {}

  scenario parse() {
    const json_path root;
    in_.object(doc_, root);
    in_.expect_format(doc_, scenario_format);
    in_.object(
        doc_, root,
        {"format", "name", "description", "clauses", "requires", "exceptions", "scripts", "main"});
    scenario s;
    s.name = parse_scenario_name(in_.required(doc_, root, "name"), root / "name");
    s.description =
        parse_description(in_.required(doc_, root, "description"), root / "description");
    if (const json* clauses = json_reader::optional(doc_, "clauses")) {
      s.clauses = parse_unique_strings(*clauses, root / "clauses", "clause");
    }
    if (const json* required = json_reader::optional(doc_, "requires")) {
      s.requires_features = parse_requires(*required, root / "requires");
    }
    if (const json* exceptions = json_reader::optional(doc_, "exceptions")) {
      s.exceptions = parse_exceptions(*exceptions, root / "exceptions");
    }
    if (const json* scripts = json_reader::optional(doc_, "scripts")) {
      s.scripts = parse_scripts(*scripts, root / "scripts");
    }
    s.main = parse_script(in_.required(doc_, root, "main"), root / "main", true);
    check_requires(s.requires_features);
    s.source = doc_;
    return s;
  }

 private:
  // --- the header -----------------------------------------------------------------------

  std::string parse_scenario_name(const json& node, const json_path& at) const {
    const std::string& name = parse_string(node, at);
    if (!is_valid_scenario_name(name)) {
      in_.fail(at, fmt::format("invalid scenario name '{}' (expected '/'-separated segments of "
                               "[A-Za-z0-9_.-], each starting with [A-Za-z0-9_])",
                               printable_utf8(name)));
    }
    return name;
  }

  std::string parse_description(const json& node, const json_path& at) const {
    const std::string& text = parse_string(node, at);
    if (text.empty()) in_.fail(at, "the description must not be empty");
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x20) in_.fail(at, "the description must be one line");
    }
    return text;
  }

  std::vector<std::string> parse_unique_strings(const json& node, const json_path& at,
                                                std::string_view what) const {
    std::vector<std::string> out;
    const json& list = in_.array(node, at);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string& text = parse_string(list[i], at / i);
      if (text.empty()) in_.fail(at / i, fmt::format("empty {} id", what));
      for (const std::string& seen : out) {
        if (seen == text) in_.fail(at / i, fmt::format("duplicate {} '{}'", what, text));
      }
      out.push_back(text);
    }
    return out;
  }

  std::vector<std::string> parse_requires(const json& node, const json_path& at) const {
    std::vector<std::string> out = parse_unique_strings(node, at, "feature");
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!known_features().contains(out[i])) {
        in_.fail(at / i, fmt::format("unknown feature '{}' (expected one of: {})",
                                     printable_utf8(out[i]), fmt::join(known_features(), ", ")));
      }
    }
    return out;
  }

  std::vector<std::string> parse_exceptions(const json& node, const json_path& at) {
    std::vector<std::string> out;
    const json& list = in_.array(node, at);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string& name = in_.string(list[i], at / i);
      if (!is_valid_exception_name(name)) {
        in_.fail(at / i, fmt::format("invalid exception name '{}' (expected a Python identifier "
                                     "[A-Za-z_][A-Za-z0-9_]{{0,63}})",
                                     printable_utf8(name)));
      }
      if (builtin_exception_types().contains(name)) {
        in_.fail(at / i, fmt::format("'{}' is a built-in exception type", name));
      }
      if (!declared_exceptions_.insert(name).second) {
        in_.fail(at / i, fmt::format("duplicate exception '{}'", name));
      }
      out.push_back(name);
    }
    return out;
  }

  std::map<std::string, script> parse_scripts(const json& node, const json_path& at) {
    in_.object(node, at);
    if (node.size() > limits::max_scripts) {
      in_.fail(at, fmt::format("more than {} scripts", limits::max_scripts));
    }
    for (const auto& [name, body] : node.items()) {
      if (!is_valid_name(name)) in_.fail(at / name, invalid_name(name));
      if (name == main_handle) {
        in_.fail(at / name, "'main' is reserved for the main script: name this script otherwise");
      }
      script_names_.insert(name);
    }
    std::map<std::string, script> out;
    for (const auto& [name, body] : node.items()) {
      out.emplace(name, parse_script(body, at / name, false));
    }
    return out;
  }

  // --- scripts and steps ----------------------------------------------------------------

  script parse_script(const json& node, const json_path& at, bool in_main) {
    in_.object(node, at, {"steps", "on_cancel"});
    script out;
    out.steps = parse_steps(in_.required(node, at, "steps"), at / "steps", context{in_main, 0});
    if (const json* policy = json_reader::optional(node, "on_cancel")) {
      out.on_cancel = parse_on_cancel(*policy, at / "on_cancel");
    }
    return out;
  }

  on_cancel parse_on_cancel(const json& node, const json_path& at) {
    in_.object(node, at);
    const std::string& kind = in_.string(in_.required(node, at, "kind"), at / "kind");
    on_cancel out;
    if (kind == "propagate") {
      in_.object(node, at, {"kind"});
      out.kind = on_cancel_kind::propagate;
    } else if (kind == "swallow") {
      in_.object(node, at, {"kind", "value"});
      out.kind = on_cancel_kind::swallow;
      out.result = parse_value(in_.required(node, at, "value"), at / "value", 0);
    } else if (kind == "cleanup") {
      in_.object(node, at, {"kind", "d"});
      out.kind = on_cancel_kind::cleanup;
      out.d = parse_duration(in_.required(node, at, "d"), at / "d");
    } else if (kind == "raise") {
      in_.object(node, at, {"kind", "type", "message"});
      out.kind = on_cancel_kind::raise;
      out.type = parse_exception_type(in_.required(node, at, "type"), at / "type");
      out.message = parse_optional_message(node, at);
    } else {
      in_.fail(at / "kind", json_reader::unknown("on_cancel kind", kind, on_cancel_kinds));
    }
    return out;
  }

  std::vector<step> parse_steps(const json& node, const json_path& at, const context& ctx) {
    const json& list = in_.array(node, at);
    std::vector<step> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(parse_step(list[i], at / i, ctx));
    return out;
  }

  step parse_step(const json& node, const json_path& at, const context& ctx) {
    if (++step_count_ > limits::max_steps) {
      in_.fail(at, fmt::format("more than {} steps in the scenario", limits::max_steps));
    }
    in_.object(node, at);
    const std::string& op = in_.string(in_.required(node, at, "op"), at / "op");
    if (op == "sleep") {
      in_.object(node, at, {"op", "d"});
      return sleep_step{parse_duration(in_.required(node, at, "d"), at / "d")};
    }
    if (op == "return") {
      in_.object(node, at, {"op", "value"});
      return return_step{parse_value(in_.required(node, at, "value"), at / "value", 0)};
    }
    if (op == "raise") {
      in_.object(node, at, {"op", "type", "message"});
      raise_step out;
      out.type = parse_exception_type(in_.required(node, at, "type"), at / "type");
      out.message = parse_optional_message(node, at);
      return out;
    }
    if (op == "hang") {
      in_.object(node, at, {"op"});
      return hang_step{};
    }
    if (op == "create_task") return parse_create_task(node, at, ctx);
    if (op == "future") return parse_future(node, at, ctx);
    if (op == "cancel") {
      in_.object(node, at, {"op", "target", "msg"});
      cancel_step out;
      out.target = parse_target(in_.required(node, at, "target"), at / "target");
      if (const json* msg = json_reader::optional(node, "msg")) {
        out.msg = parse_string(*msg, at / "msg");
        use_feature(features::cancel_message, at / "msg");
      }
      return out;
    }
    if (op == "await") return parse_await(node, at, ctx);
    if (op == "timeout") return parse_timeout(node, at, ctx);
    if (op == "event_wait" || op == "event_set") {
      in_.object(node, at, {"op", "event"});
      std::string event = parse_name(in_.required(node, at, "event"), at / "event");
      if (op == "event_wait") return event_wait_step{std::move(event)};
      return event_set_step{std::move(event)};
    }
    if (op == "state") {
      in_.object(node, at, {"op", "target"});
      return state_step{parse_target(in_.required(node, at, "target"), at / "target")};
    }
    in_.fail(at / "op", json_reader::unknown("op", op, step_ops));
  }

  step parse_create_task(const json& node, const json_path& at, const context& ctx) {
    in_.object(node, at, {"op", "as", "script", "expr"});
    create_task_step out;
    out.as = parse_binding(in_.required(node, at, "as"), at / "as");
    const json* script = json_reader::optional(node, "script");
    const json* expr = json_reader::optional(node, "expr");
    if ((script == nullptr) == (expr == nullptr)) {
      in_.fail(at, "create_task needs exactly one of 'script' and 'expr'");
    }
    if (script != nullptr) {
      out.script = parse_script_ref(*script, at / "script");
    } else {
      out.expr = parse_expression(*expr, at / "expr", ctx);
    }
    return out;
  }

  step parse_future(const json& node, const json_path& at, const context& ctx) {
    in_.object(node, at, {"op", "as", "expr"});
    future_step out;
    out.as = parse_binding(in_.required(node, at, "as"), at / "as");
    out.expr = parse_expression(in_.required(node, at, "expr"), at / "expr", ctx);
    if (!is_future_kind(*out.expr)) {
      in_.fail(at / "expr" / "kind",
               fmt::format("future needs a gather or shield expression, found '{}'",
                           kind_name(*out.expr)));
    }
    return out;
  }

  step parse_await(const json& node, const json_path& at, const context& ctx) {
    in_.object(node, at, {"op", "target", "expr", "catch"});
    await_step out;
    const json* target = json_reader::optional(node, "target");
    const json* expr = json_reader::optional(node, "expr");
    if ((target == nullptr) == (expr == nullptr)) {
      in_.fail(at, "await needs exactly one of 'target' and 'expr'");
    }
    if (target != nullptr) {
      out.target = parse_target(*target, at / "target");
    } else {
      out.expr = parse_expression(*expr, at / "expr", ctx);
    }
    out.catch_exceptions = parse_catch(node, at, ctx);
    return out;
  }

  step parse_timeout(const json& node, const json_path& at, const context& ctx) {
    in_.object(node, at, {"op", "d", "steps", "catch"});
    use_feature(features::timeout, at);
    timeout_step out;
    out.d = parse_optional_duration(in_.required(node, at, "d"), at / "d");
    out.catch_exceptions = parse_catch(node, at, ctx);
    const context inner = nested(ctx, at);
    out.steps = parse_steps(in_.required(node, at, "steps"), at / "steps", inner);
    return out;
  }

  bool parse_catch(const json& node, const json_path& at, const context& ctx) const {
    const json* written = json_reader::optional(node, "catch");
    return written == nullptr ? ctx.in_main : in_.boolean(*written, at / "catch");
  }

  // --- expressions and children ---------------------------------------------------------

  /// The context one expression or block deeper than `ctx`, which sits at `at`.
  context nested(const context& ctx, const json_path& at) const {
    if (ctx.depth + 1 > limits::max_nesting) {
      in_.fail(at, fmt::format("nesting deeper than {} levels", limits::max_nesting));
    }
    return context{ctx.in_main, ctx.depth + 1};
  }

  expression parse_expression(const json& node, const json_path& at, const context& outer) {
    const context ctx = nested(outer, at);
    in_.object(node, at);
    const std::string& kind = in_.string(in_.required(node, at, "kind"), at / "kind");
    if (kind == "gather") {
      in_.object(node, at, {"kind", "children", "return_exceptions"});
      gather_expr out;
      out.children = parse_children(node, at, ctx);
      if (const json* flag = json_reader::optional(node, "return_exceptions")) {
        out.return_exceptions = in_.boolean(*flag, at / "return_exceptions");
      }
      return out;
    }
    if (kind == "wait") {
      in_.object(node, at, {"kind", "children", "return_when", "timeout"});
      wait_expr out;
      out.children = parse_children(node, at, ctx);
      out.timeout = parse_timeout_member(node, at);
      if (const json* when = json_reader::optional(node, "return_when")) {
        out.return_when = parse_return_when(*when, at / "return_when");
      }
      return out;
    }
    if (kind == "as_completed") {
      in_.object(node, at, {"kind", "children", "timeout", "form"});
      as_completed_expr out;
      out.children = parse_children(node, at, ctx);
      out.timeout = parse_timeout_member(node, at);
      if (const json* form = json_reader::optional(node, "form")) {
        const std::string& text = in_.string(*form, at / "form");
        if (text == "async_for") {
          out.form = as_completed_form::async_for;
          use_feature(features::as_completed_async_for, at / "form");
        } else if (text != "for") {
          in_.fail(at / "form",
                   json_reader::unknown("as_completed form", text,
                                        std::array<std::string_view, 2>{"for", "async_for"}));
        }
      }
      return out;
    }
    if (kind == "wait_for") {
      in_.object(node, at, {"kind", "child", "timeout"});
      wait_for_expr out;
      out.awaited = parse_child(in_.required(node, at, "child"), at / "child", ctx);
      out.timeout = parse_timeout_member(node, at);
      return out;
    }
    if (kind == "shield") {
      in_.object(node, at, {"kind", "child"});
      return shield_expr{parse_child(in_.required(node, at, "child"), at / "child", ctx)};
    }
    if (kind == "task_group") {
      in_.object(node, at, {"kind", "children", "steps"});
      use_feature(features::task_group, at);
      task_group_expr out;
      out.children = parse_children(node, at, ctx);
      for (std::size_t i = 0; i < out.children.size(); ++i) {
        check_task_group_child(out.children[i], at / "children" / i);
      }
      if (const json* steps = json_reader::optional(node, "steps")) {
        out.steps = parse_steps(*steps, at / "steps", ctx);
      }
      return out;
    }
    if (kind == "wait_any") {
      in_.object(node, at, {"kind", "children", "timeout"});
      wait_any_expr out;
      out.children = parse_children(node, at, ctx);
      out.timeout = parse_timeout_member(node, at);
      return out;
    }
    in_.fail(at / "kind", json_reader::unknown("expression kind", kind, expression_kinds));
  }

  void check_task_group_child(const child& c, const json_path& at) const {
    const char* found = nullptr;
    if (std::holds_alternative<task_child>(c)) found = "a task child";
    if (const auto* e = std::get_if<expr_child>(&c); e != nullptr && is_future_kind(*e->expr)) {
      found = std::holds_alternative<gather_expr>(*e->expr) ? "a gather" : "a shield";
    }
    if (found != nullptr) {
      in_.fail(at, fmt::format("task_group children must be script children or coroutine "
                               "expressions (wait, as_completed, wait_for, task_group, "
                               "wait_any), found {}",
                               found));
    }
  }

  std::vector<child> parse_children(const json& node, const json_path& at, const context& ctx) {
    const json_path list_at = at / "children";
    const json& list = in_.array(in_.required(node, at, "children"), list_at);
    if (list.size() > limits::max_children) {
      in_.fail(list_at, fmt::format("more than {} children", limits::max_children));
    }
    std::vector<child> out;
    out.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      out.push_back(parse_child(list[i], list_at / i, ctx));
    }
    return out;
  }

  child parse_child(const json& node, const json_path& at, const context& ctx) {
    in_.object(node, at, {"script", "task", "expr", "as"});
    const json* script = json_reader::optional(node, "script");
    const json* task = json_reader::optional(node, "task");
    const json* expr = json_reader::optional(node, "expr");
    const json* as = json_reader::optional(node, "as");
    if ((script != nullptr) + (task != nullptr) + (expr != nullptr) != 1) {
      in_.fail(at, "a child needs exactly one of 'script', 'task' and 'expr'");
    }
    if (task != nullptr) {
      if (as != nullptr) in_.fail(at / "as", "'as' is not allowed on a task child");
      return task_child{parse_target(*task, at / "task")};
    }
    std::optional<std::string> name;
    if (as != nullptr) name = parse_binding(*as, at / "as");
    if (script != nullptr) return script_child{parse_script_ref(*script, at / "script"), name};
    return expr_child{parse_expression(*expr, at / "expr", ctx), name};
  }

  format::return_when parse_return_when(const json& node, const json_path& at) const {
    const std::string& text = in_.string(node, at);
    if (text == "ALL_COMPLETED") return return_when::all_completed;
    if (text == "FIRST_COMPLETED") return return_when::first_completed;
    if (text == "FIRST_EXCEPTION") return return_when::first_exception;
    in_.fail(at, json_reader::unknown("return_when", text,
                                      std::array<std::string_view, 3>{
                                          "ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"}));
  }

  // --- leaves ---------------------------------------------------------------------------

  const std::string& parse_string(const json& node, const json_path& at) const {
    const std::string& text = in_.string(node, at);
    if (utf8_length(text) > limits::max_string) {
      in_.fail(at, fmt::format("string longer than {} characters", limits::max_string));
    }
    return text;
  }

  std::string parse_optional_message(const json& node, const json_path& at) const {
    const json* message = json_reader::optional(node, "message");
    return message == nullptr ? std::string() : parse_string(*message, at / "message");
  }

  static std::string invalid_name(std::string_view name) {
    return fmt::format("invalid name '{}' (names match [A-Za-z_][A-Za-z0-9_.-]{{0,63}})",
                       printable_utf8(name));
  }

  std::string parse_name(const json& node, const json_path& at) const {
    const std::string& name = in_.string(node, at);
    if (!is_valid_name(name)) in_.fail(at, invalid_name(name));
    return name;
  }

  /// A handle used by a step or a task child: any valid name, `main` included.
  std::string parse_target(const json& node, const json_path& at) const {
    return parse_name(node, at);
  }

  /// A handle bound by `as`: a valid name, not `main`, bound nowhere else in the document.
  std::string parse_binding(const json& node, const json_path& at) {
    std::string name = parse_name(node, at);
    if (name == main_handle) in_.fail(at, "'main' is reserved: it names the main coroutine");
    const auto [it, inserted] = handles_.emplace(name, at);
    if (!inserted) {
      in_.fail(at, fmt::format("handle '{}' is already bound at {}", name, it->second.str()));
    }
    return name;
  }

  std::string parse_script_ref(const json& node, const json_path& at) const {
    const std::string& name = in_.string(node, at);
    if (!script_names_.contains(name)) {
      in_.fail(at, fmt::format("unknown script '{}'", printable_utf8(name)));
    }
    return name;
  }

  std::string parse_exception_type(const json& node, const json_path& at) const {
    const std::string& name = in_.string(node, at);
    if (!builtin_exception_types().contains(name) && !declared_exceptions_.contains(name)) {
      in_.fail(at, fmt::format("unknown exception type '{}' (neither built-in nor declared in "
                               "exceptions)",
                               printable_utf8(name)));
    }
    return name;
  }

  duration parse_duration(const json& node, const json_path& at) const {
    return in_.integer(node, at, 0, limits::max_duration);
  }

  optional_duration parse_optional_duration(const json& node, const json_path& at) const {
    if (node.is_null()) return std::nullopt;
    if (!node.is_number_integer()) {
      in_.fail(at, fmt::format("expected integer 0..{} or null, found {}", limits::max_duration,
                               json_reader::type_name(node)));
    }
    return parse_duration(node, at);
  }

  /// An expression's optional `timeout` (absent means null).
  optional_duration parse_timeout_member(const json& node, const json_path& at) const {
    const json* timeout = json_reader::optional(node, "timeout");
    return timeout == nullptr ? std::nullopt : parse_optional_duration(*timeout, at / "timeout");
  }

  value parse_value(const json& node, const json_path& at, std::size_t depth) const {
    switch (node.type()) {
      case json::value_t::null:
      case json::value_t::boolean:
      case json::value_t::number_integer:
        return node;
      case json::value_t::number_unsigned:
        if (node.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          in_.fail(at, "integer out of the 64-bit range");
        }
        return node;
      case json::value_t::number_float:
        in_.fail(at, "floats are not allowed in values");
      case json::value_t::string:
        return parse_string(node, at);
      case json::value_t::array:
      case json::value_t::object:
        break;
      default:
        in_.fail(at, fmt::format("{} is not a JSON value", json_reader::type_name(node)));
    }
    if (depth + 1 > limits::max_value_nesting) {
      in_.fail(at, fmt::format("value nesting deeper than {} levels", limits::max_value_nesting));
    }
    if (node.is_array()) {
      json out = json::array();
      for (std::size_t i = 0; i < node.size(); ++i) {
        out.push_back(parse_value(node[i], at / i, depth + 1));
      }
      return out;
    }
    json out = json::object();
    for (const auto& [key, member] : node.items()) {
      if (key.starts_with('$')) {
        in_.fail(at / key, "keys starting with '$' are reserved for the trace's value encoding");
      }
      if (utf8_length(key) > limits::max_string) {
        in_.fail(at / key, fmt::format("key longer than {} characters", limits::max_string));
      }
      out[key] = parse_value(member, at / key, depth + 1);
    }
    return out;
  }

  // --- features -------------------------------------------------------------------------

  void use_feature(std::string_view feature, const json_path& at) {
    feature_uses_.emplace(std::string(feature), at);
  }

  void check_requires(const std::vector<std::string>& required) const {
    const json_path at = json_path() / "requires";
    for (std::size_t i = 0; i < required.size(); ++i) {
      if (!feature_uses_.contains(required[i])) {
        in_.fail(at / i, fmt::format("requires lists '{}', which no step uses", required[i]));
      }
    }
    for (const auto& [feature, where] : feature_uses_) {
      bool listed = false;
      for (const std::string& r : required) listed = listed || r == feature;
      if (!listed) {
        in_.fail(at, fmt::format("requires must list '{}', used at {}", feature, where.str()));
      }
    }
  }

  const json& doc_;
  json_reader in_;
  std::set<std::string, std::less<>> declared_exceptions_;
  std::set<std::string, std::less<>> script_names_;
  std::map<std::string, json_path, std::less<>> handles_;       ///< bound name -> its `as`
  std::map<std::string, json_path, std::less<>> feature_uses_;  ///< feature -> first use
  std::size_t step_count_ = 0;
};

// --- features_used ----------------------------------------------------------------------

void collect(const std::vector<step>& steps, std::set<std::string>& out);

void collect(const expression& e, std::set<std::string>& out);

void collect(const child& c, std::set<std::string>& out) {
  if (const auto* e = std::get_if<expr_child>(&c)) collect(*e->expr, out);
}

void collect(const std::vector<child>& children, std::set<std::string>& out) {
  for (const child& c : children) collect(c, out);
}

void collect(const expression& e, std::set<std::string>& out) {
  if (const auto* x = std::get_if<gather_expr>(&e)) collect(x->children, out);
  if (const auto* x = std::get_if<wait_expr>(&e)) collect(x->children, out);
  if (const auto* x = std::get_if<as_completed_expr>(&e)) {
    if (x->form == as_completed_form::async_for) {
      out.emplace(features::as_completed_async_for);
    }
    collect(x->children, out);
  }
  if (const auto* x = std::get_if<wait_for_expr>(&e)) collect(*x->awaited, out);
  if (const auto* x = std::get_if<shield_expr>(&e)) collect(*x->shielded, out);
  if (const auto* x = std::get_if<task_group_expr>(&e)) {
    out.emplace(features::task_group);
    collect(x->children, out);
    collect(x->steps, out);
  }
  if (const auto* x = std::get_if<wait_any_expr>(&e)) collect(x->children, out);
}

void collect(const std::vector<step>& steps, std::set<std::string>& out) {
  for (const step& s : steps) {
    if (const auto* x = std::get_if<create_task_step>(&s); x != nullptr && x->expr) {
      collect(**x->expr, out);
    }
    if (const auto* x = std::get_if<future_step>(&s)) collect(*x->expr, out);
    if (const auto* x = std::get_if<cancel_step>(&s); x != nullptr && x->msg) {
      out.emplace(features::cancel_message);
    }
    if (const auto* x = std::get_if<await_step>(&s); x != nullptr && x->expr) {
      collect(**x->expr, out);
    }
    if (const auto* x = std::get_if<timeout_step>(&s)) {
      out.emplace(features::timeout);
      collect(x->steps, out);
    }
  }
}

}  // namespace

scenario parse_scenario(const nlohmann::json& doc, const std::string& file) {
  return scenario_parser(doc, file).parse();
}

scenario load_scenario(const std::filesystem::path& path) {
  return parse_scenario(load_json_file(path), path.string());
}

std::set<std::string> features_used(const scenario& s) {
  std::set<std::string> out;
  for (const auto& [name, body] : s.scripts) collect(body.steps, out);
  collect(s.main.steps, out);
  return out;
}

}  // namespace aioconform::format
