#include "conformance/python_repro.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "format/python_repr.h"

namespace aioconform::conformance {
namespace {

// The program's own machinery: a virtual clock, names for coroutines, printing. Kept
// short and commented because a runtime author reads it before trusting the output.
constexpr std::string_view harness = R"PY(
import asyncio
import selectors


# -------------------------------------------------------------------------------------
# Harness (not part of the scenario): a virtual clock, names, printing.

class Hang(BaseException):
    """Nothing is ready and no timer is set: nothing can ever run again."""


class VirtualSelector(selectors.BaseSelector):
    """Nothing to watch: waiting `timeout` seconds just moves the virtual clock."""

    def __init__(self, loop):
        self.loop = loop
        self.keys = {}

    def register(self, fileobj, events, data=None):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        self.keys[fd] = selectors.SelectorKey(fileobj, fd, events, data)
        return self.keys[fd]

    def unregister(self, fileobj):
        return self.keys.pop(fileobj if isinstance(fileobj, int) else fileobj.fileno())

    def get_map(self):
        return self.keys

    def select(self, timeout=None):
        if timeout is None:
            raise Hang()
        self.loop.now += max(timeout, 0)
        return []

    def close(self):
        self.keys.clear()


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """asyncio's own event loop, with a clock that jumps to the next timer."""

    def __init__(self):
        self.now = 0.0
        super().__init__(VirtualSelector(self))
        self.set_task_factory(name_task)

    def time(self):
        return self.now


class VirtualClockPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return VirtualClockLoop()


handles = {}  # the scenario's handles: tasks and futures by name
events = {}  # the scenario's asyncio.Event objects by name
task_names = {}  # task -> the name of its coroutine
coroutine_names = {}  # coroutine -> its name, until a task runs it
created = {}  # script -> how many coroutines of it were made
hung = []


def name_task(loop, coro, **kwargs):
    """Task factory: a task takes its coroutine's name, which is also a handle."""
    task = asyncio.Task(coro, loop=loop, **kwargs)
    name = coroutine_names.pop(coro, None)
    if name is not None:
        handles[name] = task
        task_names[task] = name
    return task


def script(script_name):
    """@script("worker") on `async def worker(me)`: worker() makes a coroutine named
    worker#1, worker#2, ... in creation order; worker("h") names it h."""

    def decorate(body):
        def make(name=None, *args):
            if name is None:
                created[script_name] = created.get(script_name, 0) + 1
                name = "%s#%d" % (script_name, created[script_name])
            coro = traced(name, body(name, *args))
            coroutine_names[coro] = name
            return coro

        return make

    return decorate


async def traced(me, body):
    say(me, "start")
    try:
        result = await body
    except BaseException as e:
        say(me, "exit, " + raised(e))
        raise
    say(me, "exit, returned " + show(result))
    return result


@script("awaiting")
async def awaiting(me, awaitable):
    """A task whose coroutine awaits `awaitable` and returns its result."""
    return await awaitable


def bind(name, awaitable):
    """An expression child with `as`: its future, or the task made for it, is `name`."""
    if asyncio.iscoroutine(awaitable):
        coroutine_names[awaitable] = name
    handles[name] = awaitable
    return awaitable


def event(name):
    if name not in events:
        events[name] = asyncio.Event()
    return events[name]


def say(me, what):
    if not hung:
        print("[t=%g] %s: %s" % (asyncio.get_running_loop().time(), me, what))


def type_name(e):
    t = type(e)
    if t.__module__ in ("builtins", "__main__"):
        return t.__name__
    return t.__module__ + "." + t.__qualname__


def raised(e):
    if isinstance(e, asyncio.CancelledError):
        return "cancelled: %s" % e if str(e) else "cancelled"
    return "raised %s: %s" % (type_name(e), e) if str(e) else "raised " + type_name(e)


def name_of(future):
    if future in task_names:
        return task_names[future]
    for name, value in handles.items():
        if value is future:
            return name
    return "<%s>" % type(future).__name__


def show(value):
    if isinstance(value, asyncio.Future):
        return name_of(value)
    if isinstance(value, BaseException):
        return "<%s>" % raised(value)
    if isinstance(value, (set, frozenset)):
        return "{%s}" % ", ".join(sorted(show(v) for v in value))
    if isinstance(value, tuple):
        return "(%s)" % ", ".join(show(v) for v in value)
    if isinstance(value, list):
        return "[%s]" % ", ".join(show(v) for v in value)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, show(v)) for k, v in value.items())
    return repr(value)


def state(future):
    return "cancelled" if future.cancelled() else "done" if future.done() else "pending"
)PY";

// aioconform's as_completed consumer (spec/formats/scenario.md).
constexpr std::string_view as_completed_helper = R"PY(

async def consume_as_completed(me, at, children, timeout=None, async_for=False):
    """Awaits every item of asyncio.as_completed(children), recording each outcome."""
    outcomes = []

    async def take(i, aw):
        try:
            outcome = "returned " + show(await aw)
        except asyncio.CancelledError as e:
            say(me, "%s: item %d %s" % (at, i, raised(e)))
            raise
        except Exception as e:
            outcome = raised(e)
        say(me, "%s: item %d %s" % (at, i, outcome))
        outcomes.append(outcome)

    if async_for:
        i = 0
        async for aw in asyncio.as_completed(children, timeout=timeout):
            await take(i, aw)
            i += 1
    else:
        for i, aw in enumerate(asyncio.as_completed(children, timeout=timeout)):
            await take(i, aw)
    return outcomes
)PY";

// The wait_any recipe of seed 004, cancelling in argument order (scenario.md).
constexpr std::string_view wait_any_helper = R"PY(

async def wait_any(tasks, timeout=None):
    tasks_to_cancel = []
    try:
        done, pending = await asyncio.wait(tasks, timeout=timeout,
                                           return_when=asyncio.FIRST_COMPLETED)
        tasks_to_cancel = [t for t in tasks if t in pending]
        return done, pending
    except asyncio.CancelledError:
        tasks_to_cancel = list(tasks)
        raise
    finally:
        for t in tasks_to_cancel:
            t.cancel()
)PY";

// Names the program itself uses, plus Python's keywords and lowercase builtins: a script
// with one of these names gets a suffixed function name.
const std::set<std::string>& reserved_names() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    std::istringstream words(
        "False None True and as assert async await break class continue def del elif else "
        "except finally for from global if import in is lambda nonlocal not or pass raise "
        "return try while with yield match case type _ abs aiter all anext any ascii bin bool "
        "breakpoint bytearray bytes callable chr classmethod compile complex copyright credits "
        "delattr dict dir divmod enumerate eval exec exit filter float format frozenset "
        "getattr globals hasattr hash help hex id input int isinstance issubclass iter len "
        "license list locals map max memoryview min next object oct open ord pow print "
        "property quit range repr reversed round set setattr slice sorted staticmethod str sum "
        "super tuple vars zip asyncio selectors Hang VirtualSelector VirtualClockLoop "
        "VirtualClockPolicy handles events task_names coroutine_names created hung name_task "
        "script traced awaiting bind event say type_name raised name_of show state "
        "consume_as_completed wait_any main me MODEL_VERDICT");
    for (std::string w; words >> w;) out.insert(w);
    return out;
  }();
  return names;
}

std::string identifier(const std::string& name) {
  std::string out = name;
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '.' || c == '-'; }, '_');
  return out;
}

std::string python_literal(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "None";
    case nlohmann::json::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case nlohmann::json::value_t::string:
      return format::python_repr(v.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) {
        out += (i ? ", " : "") + python_literal(v[i]);
      }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, value] : v.items()) {
        out += (first ? "" : ", ") + format::python_repr(key) + ": " + python_literal(value);
        first = false;
      }
      return out + "}";
    }
    default:
      return v.dump();  // integers; floats are not scenario values
  }
}

/// Whether a trace value is plain JSON (no task, set, tuple-as-array or exception inside),
/// so that the program prints it as repr() of the same literal.
bool plain_value(const nlohmann::json& v) {
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      if (!key.empty() && key[0] == '$') return false;
      if (!plain_value(value)) return false;
    }
    return true;
  }
  if (v.is_array()) return false;  // a list or a tuple: the trace does not say which
  return true;
}

std::string quoted(const std::string& s) {
  return format::python_repr(s);
}

class program_writer {
 public:
  explicit program_writer(const nlohmann::json& scenario)
      : scenario_(scenario), scripts_(scenario.value("scripts", nlohmann::json::object())) {
    std::set<std::string> taken = reserved_names();
    for (const auto& [name, _] : scripts_.items()) {
      std::string id = identifier(name);
      while (taken.count(id) != 0) id += "_script";
      taken.insert(id);
      functions_[name] = id;
    }
    for (const auto& name : scenario.value("exceptions", nlohmann::json::array())) {
      std::string id = identifier(name.get<std::string>());
      while (taken.count(id) != 0) id += "_";
      taken.insert(id);
      exceptions_[name.get<std::string>()] = id;
    }
  }

  std::string scenario_code() {
    std::string out;
    for (const auto& [name, id] : exceptions_) {
      out += fmt::format("\n\nclass {}(Exception):\n    pass\n", id);
      if (id != name) {
        out += fmt::format("\n\n{0}.__name__ = {0}.__qualname__ = {1}\n", id, quoted(name));
      }
    }
    std::string scripts;
    for (const auto& [name, body] : scripts_.items()) {
      scripts += script_code(name, functions_.at(name), body);
    }
    in_main_ = true;
    scripts += script_code("main", "main", scenario_.at("main"));
    return out + helpers_ + scripts;
  }

  bool uses_as_completed = false;
  bool uses_wait_any = false;

 private:
  std::string script_code(const std::string& name, const std::string& id,
                          const nlohmann::json& body) {
    std::string out = fmt::format("\n\n@script({})\nasync def {}(me):\n", quoted(name), id);
    const nlohmann::json on_cancel = body.value("on_cancel", nlohmann::json{{"kind", "propagate"}});
    const std::string kind = on_cancel.value("kind", "propagate");
    if (kind == "propagate") return out + steps_code(body.at("steps"), 1, "");
    out += "    try:\n" + steps_code(body.at("steps"), 2, "");
    out += "    except asyncio.CancelledError:\n";
    out += fmt::format("        say(me, {})\n", quoted("on_cancel: " + kind));
    if (kind == "swallow") {
      out += "        return " + python_literal(on_cancel.value("value", nlohmann::json())) + "\n";
    } else if (kind == "cleanup") {
      out +=
          fmt::format("        await asyncio.sleep({})\n        raise\n", on_cancel.value("d", 0));
    } else {
      out += "        raise " + exception_code(on_cancel) + "\n";
    }
    return out;
  }

  std::string steps_code(const nlohmann::json& steps, int depth, const std::string& prefix) {
    std::string out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      out += step_code(steps[i], depth, prefix + std::to_string(i));
    }
    return out.empty() ? std::string(4 * depth, ' ') + "pass\n" : out;
  }

  std::string exception_code(const nlohmann::json& step) {
    const std::string type = step.value("type", "Exception");
    const std::string message = quoted(step.value("message", ""));
    if (type == "CancelledError") return "asyncio.CancelledError(" + message + ")";
    const auto declared = exceptions_.find(type);
    return (declared != exceptions_.end() ? declared->second : type) + "(" + message + ")";
  }

  // An awaited thing's outcome is recorded; with catch it does not leave the script.
  std::string recorded(const std::string& awaited, const std::string& what, bool catch_it,
                       int depth, const std::string& at, const std::string& block = "") {
    const std::string pad(4 * depth, ' ');
    std::string out = pad + "try:\n";
    if (block.empty()) {
      out += fmt::format("{}    result = await {}\n", pad, awaited);
      out += fmt::format("{}    say(me, {} + show(result))\n", pad,
                         quoted("step " + at + ": " + what + " returned "));
    } else {
      out += fmt::format("{}    async with {}:\n{}", pad, awaited, block);
      out += fmt::format("{}    say(me, {})\n", pad, quoted("step " + at + ": " + what + " ended"));
    }
    out += fmt::format("{}except (Exception, asyncio.CancelledError) as e:\n", pad);
    out += fmt::format("{}    say(me, {} + raised(e))\n", pad,
                       quoted("step " + at + ": " + what + " "));
    if (!catch_it) out += pad + "    raise\n";
    return out;
  }

  std::string step_code(const nlohmann::json& step, int depth, const std::string& at) {
    const std::string pad(4 * depth, ' ');
    const std::string op = step.at("op");
    const bool in_main = in_main_;
    if (op == "sleep") return fmt::format("{}await asyncio.sleep({})\n", pad, step.value("d", 0));
    if (op == "return") {
      return pad + "return " + python_literal(step.value("value", nlohmann::json())) + "\n";
    }
    if (op == "raise") return pad + "raise " + exception_code(step) + "\n";
    if (op == "hang")
      return pad + "await asyncio.get_running_loop().create_future()  # never set\n";
    if (op == "create_task") {
      const std::string h = step.at("as");
      const std::string coro =
          step.contains("script")
              ? fmt::format("{}({})", functions_.at(step.at("script")), quoted(h))
              : fmt::format("awaiting({}, {})", quoted(h), expr_code(step.at("expr"), at));
      return fmt::format("{}handles[{}] = asyncio.create_task({})\n", pad, quoted(h), coro);
    }
    if (op == "future") {
      const std::string h = step.at("as");
      return fmt::format("{}handles[{}] = {}\n", pad, quoted(h), expr_code(step.at("expr"), at));
    }
    if (op == "cancel") {
      const std::string h = step.at("target");
      const std::string msg = step.contains("msg") ? quoted(step.at("msg")) : "";
      return fmt::format("{}say(me, {} + show(handles[{}].cancel({})))\n", pad,
                         quoted("step " + at + ": " + h + ".cancel() returned "), quoted(h), msg);
    }
    if (op == "await") {
      const bool catch_it = step.value("catch", in_main);
      if (step.contains("target")) {
        const std::string h = step.at("target");
        return recorded("handles[" + quoted(h) + "]", "await " + h, catch_it, depth, at);
      }
      const std::string kind = step.at("expr").at("kind");
      return recorded(expr_code(step.at("expr"), at), "await " + kind, catch_it, depth, at);
    }
    if (op == "timeout") {
      const nlohmann::json d = step.value("d", nlohmann::json());
      const std::string block = steps_code(step.at("steps"), depth + 2, at + ".");
      return recorded("asyncio.timeout(" + (d.is_null() ? "None" : d.dump()) + ")", "timeout block",
                      step.value("catch", in_main), depth, at, block);
    }
    if (op == "event_wait") {
      return fmt::format("{}await event({}).wait()\n", pad, quoted(step.at("event")));
    }
    if (op == "event_set") return fmt::format("{}event({}).set()\n", pad, quoted(step.at("event")));
    if (op == "state") {
      const std::string h = step.at("target");
      return fmt::format("{}say(me, {} + state(handles[{}]))\n", pad,
                         quoted("step " + at + ": " + h + " is "), quoted(h));
    }
    throw std::invalid_argument("python_repro: unknown step op '" + op + "'");
  }

  std::string timeout_argument(const nlohmann::json& e) {
    const nlohmann::json t = e.value("timeout", nlohmann::json());
    return t.is_null() ? "" : ", timeout=" + t.dump();
  }

  std::string children_code(const nlohmann::json& children, const std::string& at) {
    std::string out;
    for (std::size_t i = 0; i < children.size(); ++i) {
      out += (i ? ", " : "") + child_code(children[i], at);
    }
    return out;
  }

  std::string child_code(const nlohmann::json& c, const std::string& at) {
    if (c.contains("task")) return "handles[" + quoted(c.at("task")) + "]";
    const std::string name = c.contains("as") ? quoted(c.at("as")) : "";
    if (c.contains("script")) return functions_.at(c.at("script")) + "(" + name + ")";
    const std::string code = expr_code(c.at("expr"), at);
    return name.empty() ? code : "bind(" + name + ", " + code + ")";
  }

  std::string expr_code(const nlohmann::json& e, const std::string& at) {
    const std::string kind = e.at("kind");
    if (kind == "gather") {
      return "asyncio.gather(" + children_code(e.at("children"), at) +
             (e.value("return_exceptions", false) ? ", return_exceptions=True" : "") + ")";
    }
    if (kind == "shield") return "asyncio.shield(" + child_code(e.at("child"), at) + ")";
    if (kind == "wait") {
      const std::string when = e.value("return_when", "ALL_COMPLETED");
      return "asyncio.wait([" + children_code(e.at("children"), at) + "]" + timeout_argument(e) +
             (when == "ALL_COMPLETED" ? "" : ", return_when=asyncio." + when) + ")";
    }
    if (kind == "wait_for") {
      const nlohmann::json t = e.value("timeout", nlohmann::json());
      return "asyncio.wait_for(" + child_code(e.at("child"), at) + ", " +
             (t.is_null() ? "None" : t.dump()) + ")";
    }
    if (kind == "as_completed") {
      uses_as_completed = true;
      return "consume_as_completed(me, " + quoted("step " + at) + ", [" +
             children_code(e.at("children"), at) + "]" + timeout_argument(e) +
             (e.value("form", "for") == "async_for" ? ", async_for=True" : "") + ")";
    }
    if (kind == "wait_any") {
      uses_wait_any = true;
      return "wait_any([" + children_code(e.at("children"), at) + "]" + timeout_argument(e) + ")";
    }
    if (kind == "task_group") {
      // A coroutine of its own, so that the expression can be awaited or made a task.
      const std::string id = fmt::format("task_group_{}", ++task_groups_);
      std::string body =
          fmt::format("\n\nasync def {}(me):\n    async with asyncio.TaskGroup() as tg:\n", id);
      for (const auto& child : e.at("children")) {
        body += "        tg.create_task(" + child_code(child, at) + ")\n";
      }
      body += steps_code(e.value("steps", nlohmann::json::array()), 2, at + ".");
      helpers_ += body;
      return id + "(me)";
    }
    throw std::invalid_argument("python_repro: unknown expression kind '" + kind + "'");
  }

  const nlohmann::json& scenario_;
  const nlohmann::json scripts_;
  std::map<std::string, std::string> functions_;
  std::map<std::string, std::string> exceptions_;
  std::string helpers_;
  int task_groups_ = 0;
  // Whether the steps being written run in main (where `catch` defaults to true).
  bool in_main_ = false;
};

std::string comment_lines(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += "#   " + line + "\n";
  return out;
}

}  // namespace

std::string python_repro(const nlohmann::json& scenario, const std::string& expectation) {
  program_writer writer(scenario);
  std::string code = writer.scenario_code();
  std::string out = "#!/usr/bin/env python3\n";
  out += "# " + scenario.value("name", std::string("scenario")) + ": " +
         scenario.value("description", std::string()) + "\n#\n";
  out +=
      "# A finding of aioconform (https://github.com/aioconform) as a plain asyncio program:\n"
      "# standard library only, Python 3.8-3.13 or PyPy 3.9; run it with `python3 repro.py`.\n"
      "# A virtual clock makes the run instant and repeatable: one unit of the scenario is\n"
      "# one virtual second, and the clock jumps to the next timer when nothing is ready.\n"
      "# Each line printed is \"[t=TIME] COROUTINE: WHAT\"; a coroutine is named by its\n"
      "# handle, or SCRIPT#N in creation order.\n#\n"
      "# What aioconform's model of asyncio expected:\n";
  out += comment_lines(expectation);
  out += harness;
  if (writer.uses_as_completed) out += as_completed_helper;
  if (writer.uses_wait_any) out += wait_any_helper;
  out +=
      "\n\n# "
      "-------------------------------------------------------------------------------------\n";
  out += "# The scenario.\n";
  out += code;
  out += "\n\nMODEL_VERDICT = " + quoted(expectation) + "\n";
  out += R"PY(

if __name__ == "__main__":
    asyncio.set_event_loop_policy(VirtualClockPolicy())
    try:
        asyncio.run(main("main"))
        print("asyncio.run(main()) returned")
    except Hang:
        hung.append(True)
        print("hang: nothing is ready and no timer is set, so nothing can run again")
    except BaseException as e:
        print("asyncio.run(main()) " + raised(e))
    print("\naioconform's model of asyncio expected:\n" + MODEL_VERDICT)
)PY";
  return out;
}

std::string python_repro_outcome(const nlohmann::json& outcome) {
  if (outcome.contains("result")) {
    const nlohmann::json& v = outcome.at("result");
    return plain_value(v) ? "returned " + python_literal(v) : "returned";
  }
  if (outcome.contains("cancelled")) {
    const std::string message = outcome.at("cancelled").value("message", "");
    return message.empty() ? "cancelled" : "cancelled: " + message;
  }
  const nlohmann::json& e = outcome.at("exception");
  const std::string type = e.value("type", "");
  if (type == "asyncio.exceptions.CancelledError" || type == "CancelledError") {
    const std::string message = e.value("message", "");
    return message.empty() ? "cancelled" : "cancelled: " + message;
  }
  const std::string message = e.value("message", "");
  return message.empty() ? "raised " + type : "raised " + type + ": " + message;
}

}  // namespace aioconform::conformance
