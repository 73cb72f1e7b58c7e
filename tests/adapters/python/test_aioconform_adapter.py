"""Tests of the Python adapter (adapters/python/aioconform_adapter.py).

Standard library unittest; starts the adapter as a subprocess of this interpreter
(sys.executable) and checks concrete trace contents. Adapter options come from the
environment variable AIOCONFORM_ADAPTER_ARGS, for example:

    python -m unittest discover -s tests/adapters/python -v
    AIOCONFORM_ADAPTER_ARGS="--tasks python" python -m unittest discover -s tests/adapters/python
    AIOCONFORM_ADAPTER_ARGS="--task-factory eager" python3.12 -m unittest discover -s tests/adapters/python
    AIOCONFORM_ADAPTER_ARGS="--loop uvloop" /usr/bin/python3 -m unittest discover -s tests/adapters/python

Where CPython versions behave differently the expectations say so, per sys.version_info.
"""

import json
import os
import platform
import queue
import shlex
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.path.normpath(os.path.join(HERE, "..", "..", "..", "adapters", "python",
                                        "aioconform_adapter.py"))
ARGS = shlex.split(os.environ.get("AIOCONFORM_ADAPTER_ARGS", ""))
PY = sys.version_info
TIMEOUT = 120  # seconds to wait for one response line

# The TimeoutError that asyncio raises: its own class before 3.11, the builtin after.
ASYNCIO_TIMEOUT = "TimeoutError" if PY >= (3, 11) else "asyncio.exceptions.TimeoutError"
CANCELLED_TYPE = "asyncio.exceptions.CancelledError"

EXPECTED_FEATURES = sorted(
    (["cancel_message"] if PY >= (3, 9) else [])
    + (["task_group", "timeout"] if PY >= (3, 11) else [])
    + (["as_completed_async_for"] if PY >= (3, 13) else []))


def scenario(name, main, scripts=None, exceptions=None, requires=(), main_on_cancel=None):
    sc = {
        "format": "aioconform.scenario/1",
        "name": name,
        "description": "test scenario " + name,
        "clauses": [],
        "requires": sorted(requires),
        "scripts": scripts or {},
        "main": {"steps": main},
    }
    if exceptions:
        sc["exceptions"] = list(exceptions)
    if main_on_cancel:
        sc["main"]["on_cancel"] = main_on_cancel
    return sc


def sleep_return(d, value):
    return {"steps": [{"op": "sleep", "d": d}, {"op": "return", "value": value}]}


def exc(type_, message=""):
    return {"exception": {"type": type_, "message": message}}


def cancelled(message=""):
    return {"cancelled": {"message": message}}


def result(value):
    return {"result": value}


def brief_outcome(o):
    if "result" in o:
        return "=" + json.dumps(o["result"], sort_keys=True, separators=(",", ":"))
    if "cancelled" in o:
        return "=cancelled(%s)" % o["cancelled"]["message"]
    e = o["exception"]
    return "=%s(%s)" % (e["type"], e["message"])


def brief(e):
    """A compact, readable form of one event: 't task ev [at] [detail]'."""
    parts = [str(e["t"]), e["task"], e["ev"]]
    if "at" in e:
        parts.append(e["at"])
    ev = e["ev"]
    if ev == "step":
        parts.append(e["op"])
    elif ev in ("await_end", "block_end", "exit"):
        parts.append(brief_outcome(e["outcome"]))
    elif ev == "yield":
        parts.append("#%d%s" % (e["i"], brief_outcome(e["outcome"])))
        if "future" in e:
            parts.append("<-" + e["future"])
    elif ev == "cancel":
        parts.append("%s->%s" % (e["target"], str(e["returned"]).lower()))
        if "msg" in e:
            parts.append("msg=" + e["msg"])
    elif ev == "state":
        parts.append("%s=%s" % (e["target"], e["state"]))
    elif ev == "on_cancel":
        parts.append("%s(%s)" % (e["policy"], e["message"]))
    elif ev == "report":
        parts.append(e["message"])
    return " ".join(parts)


class AdapterProcess(object):
    """One adapter subprocess speaking the JSON-lines protocol."""

    def __init__(self, args=None, cmd=None):
        self.stderr = tempfile.TemporaryFile()
        if cmd is None:
            cmd = [sys.executable, ADAPTER] + (ARGS if args is None else list(args))
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr)
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.next_id = 0

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.put(raw)
        self.lines.put(None)

    def read_raw(self):
        try:
            raw = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError("adapter did not answer within %ds; stderr:\n%s"
                                 % (TIMEOUT, self.stderr_tail()))
        if raw is None:
            raise AssertionError("adapter closed stdout; stderr:\n%s" % self.stderr_tail())
        return raw

    def read(self):
        raw = self.read_raw()
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError:
            raise AssertionError("not a JSON protocol line: %r\nstderr:\n%s"
                                 % (raw, self.stderr_tail()))

    def send_line(self, line):
        self.proc.stdin.write(line.encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def request(self, sc):
        self.next_id += 1
        rid = self.next_id
        self.send_line(json.dumps({"id": rid, "scenario": sc}))
        resp = self.read()
        if resp.get("id") != rid:
            raise AssertionError("response id %r for request %r" % (resp.get("id"), rid))
        return resp

    def stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read()[-4000:].decode("utf-8", "replace")

    def close(self):
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        return rc


class AdapterTestCase(unittest.TestCase):
    """Shares one adapter process between the tests of a class."""

    @classmethod
    def setUpClass(cls):
        cls.adapter = AdapterProcess()
        cls.hello = cls.adapter.read()
        if "error" in cls.hello:
            cls.adapter.close()
            raise unittest.SkipTest("adapter refused options %r: %s" % (ARGS, cls.hello["error"]))
        rt = cls.hello["runtime"]
        cls.eager = rt["task_factory"] == "eager"
        cls.real_clock = rt["clock"] == "real"

    @classmethod
    def tearDownClass(cls):
        cls.adapter.close()

    def run_ok(self, sc):
        resp = self.adapter.request(sc)
        self.assertEqual(resp.get("status"), "ok", resp)
        trace = resp["trace"]
        self.assertEqual(trace["format"], "aioconform.trace/1")
        self.assertEqual(trace["scenario"], sc["name"])
        self.assertEqual(trace["runtime"], self.hello["runtime"])
        self.assertNotIn("name", trace["runtime"])
        return trace

    def completed(self, sc):
        trace = self.run_ok(sc)
        self.assertEqual(trace["end"], "completed", self.dump(trace))
        self.assertEqual(trace["missing"], [])
        return trace

    @staticmethod
    def dump(trace):
        return "\n".join(brief(e) for e in trace["events"])

    def assertEvents(self, trace, expected):
        """The whole event list, in order. With the eager task factory a new task runs
        its first steps inside create_task, so only each coroutine's own sequence is
        compared there."""
        got = [brief(e) for e in trace["events"]]
        if not self.eager:
            self.assertEqual(got, expected, "\n" + "\n".join(got))
        else:
            def per_task(lines):
                out = {}
                for line in lines:
                    out.setdefault(line.split(" ")[1], []).append(line)
                return out
            self.assertEqual(per_task(got), per_task(expected), "\n" + "\n".join(got))

    def events_of(self, trace, task):
        return [brief(e) for e in trace["events"] if e["task"] == task]

    def future(self, trace, name):
        return trace["futures"][name]


# --------------------------------------------------------------------------------------

class TestHello(AdapterTestCase):
    def test_hello_line(self):
        h = self.hello
        self.assertEqual(h["protocol"], "aioconform.adapter/1")
        rt = h["runtime"]
        self.assertEqual(rt["implementation"], sys.implementation.name)
        self.assertEqual(rt["version"], platform.python_version())
        self.assertEqual(sorted(rt), ["clock", "implementation", "loop", "task_factory",
                                      "tasks", "unit_ms", "version"])
        self.assertEqual(h["features"], EXPECTED_FEATURES)
        if "--tasks" in ARGS:
            self.assertEqual(rt["tasks"], ARGS[ARGS.index("--tasks") + 1])
        else:
            # C tasks by default; an interpreter without _asyncio (PyPy) uses Python's.
            try:
                import _asyncio  # noqa: F401
                self.assertEqual(rt["tasks"], "c")
            except ImportError:
                self.assertEqual(rt["tasks"], "python")
        if "--loop" in ARGS and ARGS[ARGS.index("--loop") + 1] == "uvloop":
            self.assertTrue(rt["loop"].startswith("uvloop "), rt)
            self.assertEqual(rt["clock"], "real")
            self.assertGreater(rt["unit_ms"], 0)
        else:
            self.assertEqual(rt["loop"], "virtual")
            self.assertEqual(rt["clock"], "virtual")
            self.assertEqual(rt["unit_ms"], 0)
        self.assertEqual(rt["task_factory"], "eager" if "eager" in ARGS else "default")


class TestCombinators(AdapterTestCase):
    def test_gather_child_raises_others_keep_running(self):
        sc = scenario(
            "gather/child-raises-others-keep-running",
            [{"op": "create_task", "as": "slow", "script": "ok"},
             {"op": "await", "expr": {"kind": "gather",
                                      "children": [{"task": "slow"}, {"script": "fails"}]}},
             {"op": "state", "target": "slow"},
             {"op": "await", "target": "slow"}],
            {"ok": sleep_return(3, "ok"),
             "fails": {"steps": [{"op": "sleep", "d": 1},
                                 {"op": "raise", "type": "ValueError", "message": "boom"}]}})
        tr = self.completed(sc)
        self.assertEvents(tr, [
            "0 main start",
            "0 main step 0 create_task",
            "0 main step 1 await",
            "0 slow start",
            "0 slow step 0 sleep",
            "0 fails#1 start",
            "0 fails#1 step 0 sleep",
            "1 fails#1 step 1 raise",
            "1 fails#1 exit =ValueError(boom)",
            "1 main await_end 1 =ValueError(boom)",
            "1 main step 2 state",
            "1 main state 2 slow=pending",
            "1 main step 3 await",
            "3 slow step 1 return",
            "3 slow exit =\"ok\"",
            "3 main await_end 3 =\"ok\"",
            "3 main exit =null",
        ])
        self.assertEqual(tr["futures"], {
            "main": {"kind": "task", "state": result(None)},
            "slow": {"kind": "task", "state": result("ok")},
            "fails#1": {"kind": "task", "state": exc("ValueError", "boom")},
            "gather#1": {"kind": "future", "state": exc("ValueError", "boom")},
        })
        # gather retrieved the exception: nothing is reported at collection.
        self.assertEqual(tr["reports"], [])

    def test_gather_return_exceptions_encodes_values(self):
        sc = scenario(
            "gather/return-exceptions",
            [{"op": "create_task", "as": "t1", "script": "long"},
             {"op": "future", "as": "g", "expr": {
                 "kind": "gather", "return_exceptions": True,
                 "children": [{"task": "t1"}, {"script": "bad"}, {"script": "ok", "as": "named"},
                              {"expr": {"kind": "gather", "children": [{"script": "ok"}]}}]}},
             {"op": "sleep", "d": 2},
             {"op": "cancel", "target": "t1"},
             {"op": "await", "target": "g"},
             {"op": "state", "target": "named"}],
            {"long": sleep_return(10, "long"), "ok": sleep_return(1, {"k": [1, True]}),
             "bad": {"steps": [{"op": "raise", "type": "KeyError", "message": "key"}]}})
        tr = self.completed(sc)
        expected_value = [{"$exception": {"type": CANCELLED_TYPE, "message": ""}},
                          {"$exception": {"type": "KeyError", "message": "'key'"}},
                          {"k": [1, True]},
                          [{"k": [1, True]}]]
        self.assertIn("2 main await_end 4 =" + json.dumps(expected_value, sort_keys=True,
                                                            separators=(",", ":")),
                      self.events_of(tr, "main"))
        self.assertIn("2 main cancel 3 t1->true", self.events_of(tr, "main"))
        self.assertIn("2 main state 5 named=done", self.events_of(tr, "main"))
        # Auto-names: the inner gather's script child is ok#1 (created first), then the
        # inner gather future gather#1; `as` names the other instance.
        self.assertEqual(self.future(tr, "g"), {"kind": "future", "state": result(expected_value)})
        self.assertEqual(self.future(tr, "gather#1"),
                         {"kind": "future", "state": result([{"k": [1, True]}])})
        self.assertEqual(self.future(tr, "ok#1")["kind"], "task")
        self.assertEqual(self.future(tr, "named"), {"kind": "task", "state": result({"k": [1, True]})})
        self.assertEqual(self.future(tr, "bad#1"), {"kind": "task", "state": exc("KeyError", "'key'")})
        self.assertEqual(self.future(tr, "t1"), {"kind": "task", "state": cancelled()})
        self.assertEqual(sorted(tr["futures"]),
                         ["bad#1", "g", "gather#1", "main", "named", "ok#1", "t1"])

    def test_cancelled_gather_finishes_with_a_cancelled_error(self):
        sc = scenario(
            "gather/outer-cancel",
            [{"op": "future", "as": "g", "expr": {"kind": "gather", "children": [
                {"script": "w", "as": "w"}]}},
             {"op": "sleep", "d": 1},
             {"op": "cancel", "target": "g"},
             {"op": "await", "target": "g"},
             {"op": "state", "target": "g"},
             {"op": "state", "target": "w"}],
            {"w": {"steps": [{"op": "sleep", "d": 5}],
                   "on_cancel": {"kind": "swallow", "value": "swallowed"}}})
        tr = self.completed(sc)
        main = self.events_of(tr, "main")
        self.assertEqual(main[-8:], [
            "1 main cancel 2 g->true", "1 main step 3 await", "1 main await_end 3 =cancelled()",
            "1 main step 4 state",
            # gather's future is not cancelled(): it finished with a CancelledError even
            # though its only child swallowed the cancellation
            "1 main state 4 g=done",
            "1 main step 5 state", "1 main state 5 w=done", "1 main exit =null"])
        # ... so its final state is an exception outcome, not "cancelled" (trace.md)
        self.assertEqual(self.future(tr, "g"), {"kind": "future", "state": {
            "exception": {"type": CANCELLED_TYPE, "message": ""}}})
        self.assertEqual(self.future(tr, "w"), {"kind": "task", "state": result("swallowed")})

    def test_wait_first_completed_with_timeout_and_bare_coroutines(self):
        sc = scenario(
            "wait/first-completed",
            [{"op": "create_task", "as": "ta", "script": "a"},
             {"op": "create_task", "as": "tc", "script": "c"},
             {"op": "await", "expr": {"kind": "wait", "children": [{"task": "ta"}, {"task": "tc"}],
                                      "return_when": "FIRST_COMPLETED", "timeout": 3}},
             {"op": "await", "expr": {"kind": "wait", "children": [{"task": "tc"}], "timeout": 1}},
             {"op": "await", "expr": {"kind": "wait",
                                      "children": [{"script": "a"}, {"script": "b", "as": "bb"}]}},
             {"op": "await", "target": "tc"}],
            {"a": sleep_return(1, "a"), "b": sleep_return(2, "b"), "c": sleep_return(5, "c")})
        tr = self.completed(sc)
        main = self.events_of(tr, "main")
        self.assertIn('1 main await_end 2 =[{"$set":[{"$future":"ta"}]},{"$set":[{"$future":"tc"}]}]', main)
        self.assertIn('2 main await_end 3 =[{"$set":[]},{"$set":[{"$future":"tc"}]}]', main)
        if PY >= (3, 11):
            # asyncio.wait refuses bare coroutines from 3.11; they never run.
            self.assertIn("2 main await_end 4 =TypeError(Passing coroutines is forbidden, "
                          "use tasks explicitly.)", main)
            self.assertNotIn("a#1", tr["futures"])
            self.assertNotIn("bb", tr["futures"])
            self.assertEqual(self.events_of(tr, "bb"), [])
            self.assertIn('5 main await_end 5 ="c"', main)
        else:
            # Wrapped in tasks named after the coroutine instances; the sets are sorted.
            self.assertIn('4 main await_end 4 =[{"$set":[{"$future":"a#1"},{"$future":"bb"}]},'
                          '{"$set":[]}]', main)
            self.assertEqual(self.future(tr, "bb"), {"kind": "task", "state": result("b")})
            self.assertEqual(self.future(tr, "a#1"), {"kind": "task", "state": result("a")})
            self.assertEqual(self.events_of(tr, "bb"),
                             ["2 bb start", "2 bb step 0 sleep", "4 bb step 1 return",
                              '4 bb exit ="b"'])
            self.assertIn('5 main await_end 5 ="c"', main)
        self.assertEqual(self.future(tr, "tc"), {"kind": "task", "state": result("c")})

    def test_as_completed_with_timeout(self):
        sc = scenario(
            "as_completed/timeout",
            [{"op": "await", "expr": {"kind": "as_completed", "timeout": 3, "children": [
                {"script": "c"}, {"script": "a"}, {"script": "boom"}, {"script": "b"}]}}],
            {"a": sleep_return(1, "a"), "b": sleep_return(2, "b"), "c": sleep_return(5, "c"),
             "boom": {"steps": [{"op": "sleep", "d": 1},
                                {"op": "raise", "type": "MyError", "message": "boom"}]}},
            exceptions=["MyError"])
        tr = self.completed(sc)
        timeout = "%s()" % ASYNCIO_TIMEOUT
        self.assertEqual([x for x in self.events_of(tr, "main") if " yield " in x or "await_end" in x], [
            '1 main yield 0 #0="a"',
            "1 main yield 0 #1=MyError(boom)",
            '2 main yield 0 #2="b"',
            "3 main yield 0 #3=" + timeout,
            '3 main await_end 0 =[{"result":"a"},{"exception":{"message":"boom","type":"MyError"}},'
            '{"result":"b"},{"exception":{"message":"","type":"%s"}}]' % ASYNCIO_TIMEOUT,
        ])
        # The child still running when main returned is cancelled by asyncio.run.
        self.assertEqual(self.events_of(tr, "c#1")[-2:],
                         ["3 c#1 on_cancel 0 propagate()", "3 c#1 exit =cancelled()"])
        self.assertEqual(self.future(tr, "c#1"), {"kind": "task", "state": cancelled()})
        self.assertEqual(self.future(tr, "boom#1"), {"kind": "task", "state": exc("MyError", "boom")})

    def test_wait_for_timeout_versions(self):
        sc = scenario(
            "wait_for/timeout",
            [{"op": "await", "expr": {"kind": "wait_for", "child": {"script": "c", "as": "w"}, "timeout": 2}},
             {"op": "await", "expr": {"kind": "wait_for", "child": {"script": "swallow", "as": "w2"},
                                      "timeout": 2}},
             {"op": "await", "expr": {"kind": "wait_for", "child": {"script": "a", "as": "w3"},
                                      "timeout": 0}}],
            {"a": sleep_return(1, "a"), "c": sleep_return(5, "c"),
             "swallow": {"steps": [{"op": "sleep", "d": 10}],
                         "on_cancel": {"kind": "swallow", "value": "swallowed"}}})
        tr = self.completed(sc)
        main = self.events_of(tr, "main")
        self.assertIn("2 main await_end 0 =%s()" % ASYNCIO_TIMEOUT, main)
        self.assertEqual(self.events_of(tr, "w"), ["0 w start", "0 w step 0 sleep",
                                                   "2 w on_cancel 0 propagate()", "2 w exit =cancelled()"])
        if PY >= (3, 9):
            # The child swallowed the cancellation: its value is returned.
            self.assertIn('4 main await_end 1 ="swallowed"', main)
        else:
            self.assertIn("4 main await_end 1 =%s()" % ASYNCIO_TIMEOUT, main)
        self.assertIn("4 main await_end 2 =%s()" % ASYNCIO_TIMEOUT, main)
        if PY >= (3, 12):
            # wait_for awaits a coroutine in place: no task, nothing in futures.
            self.assertNotIn("w", tr["futures"])
            self.assertNotIn("w2", tr["futures"])
        else:
            self.assertEqual(self.future(tr, "w"), {"kind": "task", "state": cancelled()})
            self.assertEqual(self.future(tr, "w2"), {"kind": "task", "state": result("swallowed")})
        # timeout 0: the task is cancelled before it ever runs (unless started eagerly).
        self.assertEqual(self.future(tr, "w3"), {"kind": "task", "state": cancelled()})
        if self.eager:
            self.assertEqual(self.events_of(tr, "w3"), ["4 w3 start", "4 w3 step 0 sleep",
                                                        "4 w3 on_cancel 0 propagate()",
                                                        "4 w3 exit =cancelled()"])
        else:
            self.assertEqual(self.events_of(tr, "w3"), [])

    def test_shield_cancel_outer_inner_continues(self):
        sc = scenario(
            "shield/cancel-outer",
            [{"op": "create_task", "as": "inner", "script": "b"},
             {"op": "future", "as": "sh", "expr": {"kind": "shield", "child": {"task": "inner"}}},
             {"op": "sleep", "d": 1},
             {"op": "cancel", "target": "sh"},
             {"op": "await", "target": "sh"},
             {"op": "state", "target": "inner"},
             {"op": "await", "target": "inner"},
             {"op": "await", "expr": {"kind": "shield", "child": {"task": "inner"}}}],
            {"b": sleep_return(2, "b")})
        tr = self.completed(sc)
        self.assertEvents(tr, [
            "0 main start", "0 main step 0 create_task", "0 main step 1 future",
            "0 main step 2 sleep", "0 inner start", "0 inner step 0 sleep",
            "1 main step 3 cancel", "1 main cancel 3 sh->true",
            "1 main step 4 await", "1 main await_end 4 =cancelled()",
            "1 main step 5 state", "1 main state 5 inner=pending",
            "1 main step 6 await",
            "2 inner step 1 return", '2 inner exit ="b"', '2 main await_end 6 ="b"',
            "2 main step 7 await", '2 main await_end 7 ="b"', "2 main exit =null",
        ])
        self.assertEqual(self.future(tr, "sh"), {"kind": "future", "state": cancelled()})
        # shield() of a done future returns that future itself.
        self.assertEqual(sorted(tr["futures"]), ["inner", "main", "sh", "shield#1"])
        self.assertEqual(self.future(tr, "shield#1"), {"kind": "task", "state": result("b")})

    def test_wait_any_cancels_the_rest(self):
        sc = scenario(
            "wait_any/basic",
            [{"op": "create_task", "as": "ta", "script": "a"},
             {"op": "create_task", "as": "tc", "script": "c"},
             {"op": "create_task", "as": "tb", "script": "b"},
             {"op": "await", "expr": {"kind": "wait_any",
                                      "children": [{"task": "ta"}, {"task": "tc"}, {"task": "tb"}]}},
             {"op": "sleep", "d": 0},
             {"op": "state", "target": "tc"},
             {"op": "state", "target": "tb"},
             {"op": "await", "expr": {"kind": "wait_any", "children": [{"task": "ta"}], "timeout": 1}},
             {"op": "sleep", "d": 2}],
            {"a": sleep_return(1, "a"), "b": sleep_return(2, "b"),
             "c": {"steps": [{"op": "sleep", "d": 5}], "on_cancel": {"kind": "cleanup", "d": 1}}})
        tr = self.completed(sc)
        main = self.events_of(tr, "main")
        self.assertIn('1 main await_end 3 =[{"$set":[{"$future":"ta"}]},'
                      '{"$set":[{"$future":"tb"},{"$future":"tc"}]}]', main)
        self.assertIn("1 main state 5 tc=pending", main)  # cleaning up for 1 unit
        self.assertIn("1 main state 6 tb=cancelled", main)
        self.assertIn('1 main await_end 7 =[{"$set":[{"$future":"ta"}]},{"$set":[]}]', main)
        # cancelled in argument order: tc before tb
        later = [x for x in [brief(e) for e in tr["events"]] if " on_cancel " in x]
        self.assertEqual(later, ["1 tc on_cancel 0 cleanup()", "1 tb on_cancel 0 propagate()"])
        self.assertEqual(self.events_of(tr, "tc")[-1], "2 tc exit =cancelled()")

    def test_nested_expressions_are_named(self):
        sc = scenario(
            "nested/naming",
            [{"op": "create_task", "as": "ac", "expr": {"kind": "as_completed", "children": [
                {"script": "b"}, {"script": "a", "as": "aa"}]}},
             {"op": "await", "expr": {"kind": "gather", "children": [
                 {"expr": {"kind": "as_completed", "children": [{"script": "a"}]}},
                 {"expr": {"kind": "wait_for", "child": {"script": "b"}, "timeout": 5}, "as": "wf"},
                 {"expr": {"kind": "shield", "child": {"script": "a"}}}]}},
             {"op": "state", "target": "wf"},
             {"op": "state", "target": "aa"},
             {"op": "await", "target": "ac"}],
            {"a": sleep_return(1, "a"), "b": sleep_return(2, "b")})
        tr = self.completed(sc)
        main = self.events_of(tr, "main")
        self.assertIn('2 main await_end 1 =[[{"result":"a"}],"b","a"]', main)
        self.assertIn("2 main state 2 wf=done", main)
        self.assertIn("2 main state 3 aa=done", main)
        self.assertIn('2 main await_end 4 =[{"result":"a"},{"result":"b"}]', main)
        # yields are made by the coroutine consuming as_completed: the named task
        # created for a nested expression, or the create_task handle.
        self.assertEqual(self.events_of(tr, "as_completed#1"), ['1 as_completed#1 yield 1 #0="a"'])
        self.assertEqual(self.events_of(tr, "ac"), ['1 ac yield 0 #0="a"', '2 ac yield 0 #1="b"'])
        names = sorted(tr["futures"])
        expected = ["a#1", "a#2", "aa", "ac", "as_completed#1", "b#1", "gather#1", "main",
                    "shield#1", "wf"]
        if PY < (3, 12):
            expected.append("b#2")  # wait_for wraps its coroutine in a task before 3.12
        self.assertEqual(names, sorted(expected))
        self.assertEqual(self.future(tr, "wf"), {"kind": "task", "state": result("b")})

    def test_as_completed_async_for(self):
        sc = scenario(
            "as_completed/async-for",
            [{"op": "create_task", "as": "tb", "script": "b"},
             {"op": "await", "expr": {"kind": "as_completed", "form": "async_for", "timeout": 3,
                                      "children": [{"script": "c"}, {"task": "tb"}, {"script": "a"}]}}],
            {"a": sleep_return(1, "a"), "b": sleep_return(2, "b"), "c": sleep_return(5, "c")},
            requires=["as_completed_async_for"])
        tr = self.run_ok(sc)
        if PY < (3, 13):
            self.assertEqual(tr["end"], "unsupported")
            self.assertEqual(tr["missing"], ["as_completed_async_for"])
            self.assertEqual((tr["events"], tr["futures"], tr["reports"]), ([], {}, []))
            return
        self.assertEqual(tr["end"], "completed")
        self.assertEqual([x for x in self.events_of(tr, "main") if " yield " in x or "await_end" in x], [
            '1 main yield 1 #0="a" <-a#1',
            '2 main yield 1 #1="b" <-tb',
            # the timeout leaves the async for itself
            "3 main await_end 1 =TimeoutError()",
        ])


class TestTaskGroupAndTimeout(AdapterTestCase):
    def test_task_group_child_fails_siblings_cancelled(self):
        sc = scenario(
            "task_group/child-fails",
            [{"op": "await", "expr": {"kind": "task_group", "children": [
                {"script": "c", "as": "x"}, {"script": "boom"}, {"script": "swallow"},
                {"script": "cleanup"}, {"script": "craise"}],
                "steps": [{"op": "sleep", "d": 5}]}},
             {"op": "state", "target": "x"}],
            {"c": sleep_return(5, "c"),
             "boom": {"steps": [{"op": "sleep", "d": 1},
                                {"op": "raise", "type": "MyError", "message": "boom"}]},
             "swallow": {"steps": [{"op": "sleep", "d": 10}],
                         "on_cancel": {"kind": "swallow", "value": "swallowed"}},
             "cleanup": {"steps": [{"op": "sleep", "d": 10}], "on_cancel": {"kind": "cleanup", "d": 2}},
             "craise": {"steps": [{"op": "sleep", "d": 10}],
                        "on_cancel": {"kind": "raise", "type": "RuntimeError", "message": "converted"}}},
            exceptions=["MyError"], requires=["task_group"])
        tr = self.run_ok(sc)
        if PY < (3, 11):
            self.assertEqual(tr["end"], "unsupported")
            self.assertEqual(tr["missing"], ["task_group"])
            self.assertEqual((tr["events"], tr["futures"], tr["reports"]), ([], {}, []))
            return
        self.assertEqual(tr["end"], "completed")
        group = {"exception": {
            "type": "ExceptionGroup", "message": "unhandled errors in a TaskGroup (2 sub-exceptions)",
            "exceptions": [{"type": "MyError", "message": "boom"},
                           {"type": "RuntimeError", "message": "converted"}]}}
        ev = [brief(e) for e in tr["events"]]
        # the body's steps belong to main; paths nest under the await step
        self.assertIn("0 main step 0.0 sleep", ev)
        self.assertIn("3 main await_end 0 =" + brief_outcome(group)[1:], ev)
        self.assertEqual([e for e in tr["events"] if e["ev"] == "await_end"][0]["outcome"], group)
        self.assertIn("3 main state 1 x=cancelled", ev)
        if not self.eager:
            # siblings are cancelled when boom fails, in creation order (deterministic)
            self.assertEqual([x for x in ev if " on_cancel " in x], [
                "1 x on_cancel 0 propagate()", "1 swallow#1 on_cancel 0 swallow()",
                "1 cleanup#1 on_cancel 0 cleanup()", "1 craise#1 on_cancel 0 raise()"])
        self.assertEqual(self.events_of(tr, "cleanup#1")[-1], "3 cleanup#1 exit =cancelled()")
        self.assertEqual(self.future(tr, "swallow#1"), {"kind": "task", "state": result("swallowed")})
        self.assertEqual(self.future(tr, "craise#1"),
                         {"kind": "task", "state": exc("RuntimeError", "converted")})
        self.assertEqual(tr["reports"], [])

    def test_timeout_blocks(self):
        sc = scenario(
            "timeout/blocks",
            [{"op": "timeout", "d": 2, "steps": [{"op": "sleep", "d": 5}]},
             {"op": "timeout", "d": None, "steps": [{"op": "sleep", "d": 1}]},
             {"op": "create_task", "as": "t", "script": "inner"},
             {"op": "await", "target": "t"},
             {"op": "timeout", "d": 3, "steps": [{"op": "return", "value": "early"}]},
             {"op": "sleep", "d": 100}],
            {"inner": {"steps": [{"op": "timeout", "d": 1, "steps": [{"op": "hang"}]},
                                 {"op": "return", "value": "not reached"}]}},
            requires=["timeout"])
        tr = self.run_ok(sc)
        if PY < (3, 11):
            self.assertEqual(tr["end"], "unsupported")
            self.assertEqual(tr["missing"], ["timeout"])
            return
        self.assertEqual(tr["end"], "completed")
        self.assertEvents(tr, [
            "0 main start", "0 main step 0 timeout", "0 main step 0.0 sleep",
            "2 main block_end 0 =TimeoutError()",
            "2 main step 1 timeout", "2 main step 1.0 sleep", "3 main block_end 1 =null",
            "3 main step 2 create_task", "3 main step 3 await",
            "3 t start", "3 t step 0 timeout", "3 t step 0.0 hang",
            # catch defaults to false outside main: the TimeoutError ends the script
            "4 t block_end 0 =TimeoutError()", "4 t exit =TimeoutError()",
            "4 main await_end 3 =TimeoutError()",
            "4 main step 4 timeout", "4 main step 4.0 return", '4 main exit ="early"',
        ])
        self.assertEqual(self.future(tr, "main"), {"kind": "task", "state": result("early")})
        self.assertEqual(tr["reports"], [])


class TestCancellation(AdapterTestCase):
    SCRIPTS = {
        "swallow": {"steps": [{"op": "sleep", "d": 10}, {"op": "return", "value": 1}],
                    "on_cancel": {"kind": "swallow", "value": "swallowed"}},
        "cleanup": {"steps": [{"op": "sleep", "d": 10}], "on_cancel": {"kind": "cleanup", "d": 2}},
        "craise": {"steps": [{"op": "sleep", "d": 10}],
                   "on_cancel": {"kind": "raise", "type": "RuntimeError", "message": "converted"}},
    }

    def test_on_cancel_policies(self):
        sc = scenario(
            "cancel/policies",
            [{"op": "create_task", "as": "s", "script": "swallow"},
             {"op": "create_task", "as": "cl", "script": "cleanup"},
             {"op": "create_task", "as": "cr", "script": "craise"},
             {"op": "sleep", "d": 1},
             {"op": "cancel", "target": "s"},
             {"op": "cancel", "target": "cl"},
             {"op": "cancel", "target": "cr"},
             {"op": "await", "target": "s"},
             {"op": "await", "target": "cl"},
             {"op": "await", "target": "cr"},
             {"op": "cancel", "target": "s"}],
            self.SCRIPTS)
        tr = self.completed(sc)
        self.assertEvents(tr, [
            "0 main start", "0 main step 0 create_task", "0 main step 1 create_task",
            "0 main step 2 create_task", "0 main step 3 sleep",
            "0 s start", "0 s step 0 sleep", "0 cl start", "0 cl step 0 sleep",
            "0 cr start", "0 cr step 0 sleep",
            "1 main step 4 cancel", "1 main cancel 4 s->true",
            "1 main step 5 cancel", "1 main cancel 5 cl->true",
            "1 main step 6 cancel", "1 main cancel 6 cr->true",
            "1 main step 7 await",
            "1 s on_cancel 0 swallow()", '1 s exit ="swallowed"',
            "1 cl on_cancel 0 cleanup()",
            "1 cr on_cancel 0 raise()", "1 cr exit =RuntimeError(converted)",
            '1 main await_end 7 ="swallowed"',
            "1 main step 8 await",
            "3 cl exit =cancelled()", "3 main await_end 8 =cancelled()",
            "3 main step 9 await", "3 main await_end 9 =RuntimeError(converted)",
            "3 main step 10 cancel", "3 main cancel 10 s->false",
            "3 main exit =null",
        ])
        self.assertEqual(self.future(tr, "cl"), {"kind": "task", "state": cancelled()})
        self.assertEqual(tr["reports"], [])

    def test_cancel_message(self):
        sc = scenario(
            "cancel/message",
            [{"op": "create_task", "as": "t", "script": "s"},
             {"op": "create_task", "as": "u", "script": "s"},
             {"op": "sleep", "d": 1},
             {"op": "cancel", "target": "t", "msg": "m"},
             {"op": "cancel", "target": "u", "msg": "n"},
             {"op": "await", "target": "t"},
             {"op": "await", "target": "t"}],
            {"s": {"steps": [{"op": "sleep", "d": 10}]}}, requires=["cancel_message"])
        tr = self.run_ok(sc)
        if PY < (3, 9):
            self.assertEqual(tr["end"], "unsupported")
            self.assertEqual(tr["missing"], ["cancel_message"])
            self.assertEqual((tr["events"], tr["futures"], tr["reports"]), ([], {}, []))
            return
        self.assertEqual(tr["end"], "completed")
        self.assertIn("1 main cancel 3 t->true msg=m", self.events_of(tr, "main"))
        self.assertEqual(self.events_of(tr, "t")[-2:],
                         ["1 t on_cancel 0 propagate(m)", "1 t exit =cancelled(m)"])
        awaits = [x for x in self.events_of(tr, "main") if "await_end" in x]
        if PY >= (3, 11):
            # The first awaiter gets the task's own CancelledError; later ones a new one.
            self.assertEqual(awaits, ["1 main await_end 5 =cancelled(m)",
                                      "1 main await_end 6 =cancelled()"])
            self.assertEqual(self.future(tr, "u"), {"kind": "task", "state": cancelled("n")})
        else:
            self.assertEqual(awaits, ["1 main await_end 5 =cancelled()",
                                      "1 main await_end 6 =cancelled()"])
            self.assertEqual(self.future(tr, "u"), {"kind": "task", "state": cancelled()})

    def test_raise_cancelled_error_skips_on_cancel(self):
        sc = scenario(
            "cancel/raise-cancelled",
            [{"op": "create_task", "as": "r", "script": "r"},
             {"op": "await", "target": "r"},
             {"op": "raise", "type": "CancelledError"}],
            {"r": {"steps": [{"op": "raise", "type": "CancelledError", "message": "self"}],
                   "on_cancel": {"kind": "swallow", "value": 1}}},
            main_on_cancel={"kind": "swallow", "value": "never"})
        tr = self.completed(sc)
        self.assertEqual(self.events_of(tr, "r"), ["0 r start", "0 r step 0 raise",
                                                   "0 r exit =cancelled(self)"])
        main = self.events_of(tr, "main")
        self.assertEqual(main[-2:], ["0 main step 2 raise", "0 main exit =cancelled()"])
        self.assertEqual(self.future(tr, "main"), {"kind": "task", "state": cancelled()})

    def test_cancelling_an_await_on_gather_can_turn_into_an_exception(self):
        sc = scenario(
            "cancel/through-gather",
            [{"op": "create_task", "as": "w", "script": "w"},
             {"op": "sleep", "d": 2},
             {"op": "cancel", "target": "w"},
             {"op": "await", "target": "w"}],
            {"w": {"steps": [{"op": "sleep", "d": 1},
                             {"op": "await", "expr": {"kind": "gather", "children": [
                                 {"script": "deep"}]}}],
                   "on_cancel": {"kind": "swallow", "value": "w-swallowed"}},
             "deep": {"steps": [{"op": "await", "expr": {"kind": "wait_for", "child": {
                 "script": "leaf"}, "timeout": None}}]},
             "leaf": {"steps": [{"op": "sleep", "d": 10}],
                      "on_cancel": {"kind": "raise", "type": "ValueError", "message": "leaf"}}})
        tr = self.completed(sc)
        # Cancelling w cancels the gather it awaits, which cancels deep#1, whose wait_for
        # cancels leaf#1; leaf#1 turns that into a ValueError, which the gather passes on:
        # w sees the ValueError, not a CancelledError, so its on_cancel does not apply.
        self.assertEqual(self.events_of(tr, "leaf#1")[-2:],
                         ["2 leaf#1 on_cancel 0 raise()", "2 leaf#1 exit =ValueError(leaf)"])
        self.assertEqual(self.events_of(tr, "deep#1")[-2:],
                         ["2 deep#1 await_end 0 =ValueError(leaf)", "2 deep#1 exit =ValueError(leaf)"])
        self.assertEqual(self.events_of(tr, "w")[-3:],
                         ["1 w step 1 await", "2 w await_end 1 =ValueError(leaf)",
                          "2 w exit =ValueError(leaf)"])
        self.assertIn("2 main await_end 3 =ValueError(leaf)", self.events_of(tr, "main"))
        self.assertEqual(self.future(tr, "gather#1"),
                         {"kind": "future", "state": exc("ValueError", "leaf")})

    def test_on_cancel_names_the_innermost_step(self):
        if PY < (3, 11):
            self.skipTest("nested step paths need the timeout feature (3.11+)")
        sc = scenario(
            "cancel/inner-step",
            [{"op": "create_task", "as": "w", "script": "w"},
             {"op": "sleep", "d": 2},
             {"op": "cancel", "target": "w"},
             {"op": "await", "target": "w"}],
            {"w": {"steps": [{"op": "timeout", "d": None, "steps": [
                       {"op": "sleep", "d": 1}, {"op": "sleep", "d": 10}]}],
                   "on_cancel": {"kind": "swallow", "value": "w-swallowed"}}},
            requires=["timeout"])
        tr = self.completed(sc)
        self.assertEqual(self.events_of(tr, "w"), [
            "0 w start", "0 w step 0 timeout", "0 w step 0.0 sleep", "1 w step 0.1 sleep",
            "2 w block_end 0 =cancelled()", "2 w on_cancel 0.1 swallow()", '2 w exit ="w-swallowed"'])

    def test_leftover_tasks_cancelled_by_asyncio_run(self):
        sc = scenario(
            "cancel/leftovers",
            [{"op": "create_task", "as": "x", "script": "cleanup"},
             {"op": "create_task", "as": "y", "script": "craise"},
             {"op": "create_task", "as": "z", "script": "swallow"},
             {"op": "sleep", "d": 1}],
            self.SCRIPTS)
        tr = self.completed(sc)
        ev = [brief(e) for e in tr["events"]]
        i = ev.index("1 main exit =null")
        self.assertEqual(sorted(ev[i + 1:]), sorted([
            "1 x on_cancel 0 cleanup()", "1 y on_cancel 0 raise()",
            "1 y exit =RuntimeError(converted)", "1 z on_cancel 0 swallow()",
            '1 z exit ="swallowed"', "3 x exit =cancelled()",
            "3 (loop) report unhandled exception during asyncio.run() shutdown",  # no task runs it
        ]))
        report = tr["events"][-1]
        self.assertEqual(report, {"t": 3, "task": "(loop)", "ev": "report", "future": "y",
                                  "message": "unhandled exception during asyncio.run() shutdown",
                                  "exception": {"type": "RuntimeError", "message": "converted"}})
        self.assertEqual(tr["reports"], [])


class TestReportsAndEnds(AdapterTestCase):
    def test_never_retrieved_reports(self):
        sc = scenario(
            "reports/never-retrieved",
            [{"op": "create_task", "as": "x", "script": "now"},
             {"op": "create_task", "as": "y", "script": "later"},
             {"op": "future", "as": "g", "expr": {"kind": "gather", "children": [{"script": "later"}]}},
             {"op": "create_task", "as": "seen", "script": "now"},
             {"op": "sleep", "d": 2},
             {"op": "state", "target": "seen"},
             {"op": "await", "target": "seen"}],
            {"now": {"steps": [{"op": "raise", "type": "ValueError", "message": "now"}]},
             "later": {"steps": [{"op": "sleep", "d": 1},
                                 {"op": "raise", "type": "MyError", "message": "at 0x7f00dead"}]}},
            exceptions=["MyError"])
        tr = self.completed(sc)
        # sorted by canonical JSON: {"exception":{"message":...
        self.assertEqual(tr["reports"], [
            {"message": "_GatheringFuture exception was never retrieved", "future": "g",
             "exception": {"type": "MyError", "message": "at 0x?"}},
            {"message": "Task exception was never retrieved", "future": "y",
             "exception": {"type": "MyError", "message": "at 0x?"}},
            {"message": "Task exception was never retrieved", "future": "x",
             "exception": {"type": "ValueError", "message": "now"}},
        ])
        # gather retrieved its child's exception: later#1 is not reported
        self.assertEqual(self.future(tr, "later#1"), {"kind": "task", "state": exc("MyError", "at 0x?")})
        self.assertEqual(self.future(tr, "y"), {"kind": "task", "state": exc("MyError", "at 0x?")})
        self.assertIn("2 main state 5 seen=done", self.events_of(tr, "main"))
        # `state` never retrieves; awaiting does, so `seen` is not reported.
        self.assertNotIn("seen", [r.get("future") for r in tr["reports"]])

    def test_hang(self):
        sc = scenario(
            "hang/main-awaits-forever",
            [{"op": "create_task", "as": "x", "script": "hang"},
             {"op": "create_task", "as": "s", "script": "swallow"},
             {"op": "create_task", "as": "f", "script": "fails"},
             {"op": "sleep", "d": 1},
             {"op": "await", "target": "x"}],
            {"hang": {"steps": [{"op": "hang"}], "on_cancel": {"kind": "cleanup", "d": 1}},
             "swallow": {"steps": [{"op": "sleep", "d": 3}, {"op": "return", "value": 1}],
                         "on_cancel": {"kind": "swallow", "value": "swallowed"}},
             "fails": {"steps": [{"op": "raise", "type": "ValueError", "message": "lost"}]}})
        tr = self.run_ok(sc)
        self.assertEqual(tr["end"], "hang")
        self.assertEqual(tr["missing"], [])
        self.assertEqual(self.events_of(tr, "s")[-2:], ["3 s step 1 return", "3 s exit =1"])
        # events stop at the hang: the clean-up that cancels x and main is not recorded
        self.assertEqual(self.events_of(tr, "x"), ["0 x start", "0 x step 0 hang"])
        self.assertEqual(self.events_of(tr, "main")[-1], "1 main step 4 await")
        self.assertEqual(tr["futures"], {
            "main": {"kind": "task", "state": "pending"},
            "x": {"kind": "task", "state": "pending"},
            "s": {"kind": "task", "state": result(1)},
            "f": {"kind": "task", "state": exc("ValueError", "lost")},
        })
        self.assertEqual(tr["reports"], [])

    def test_hang_after_main_returned(self):
        # asyncio.run cancels what is left when main returns; a task that catches the
        # cancellation and then waits forever hangs the shutdown.
        sc = scenario(
            "hang/in-shutdown",
            [{"op": "create_task", "as": "inner", "script": "inner"},
             {"op": "create_task", "as": "w", "script": "w"},
             {"op": "sleep", "d": 1}],
            {"inner": {"steps": [{"op": "sleep", "d": 5}]},
             "w": {"steps": [{"op": "await", "target": "inner", "catch": True}, {"op": "hang"}]}})
        tr = self.run_ok(sc)
        self.assertEqual(tr["end"], "hang")
        self.assertEqual(self.events_of(tr, "main")[-1], "1 main exit =null")
        self.assertEqual(self.events_of(tr, "w"), [
            "0 w start", "0 w step 0 await", "1 w await_end 0 =cancelled()", "1 w step 1 hang"])
        self.assertEqual(tr["futures"], {
            "main": {"kind": "task", "state": result(None)},
            "inner": {"kind": "task", "state": cancelled()},
            "w": {"kind": "task", "state": "pending"},
        })

    def test_unbound_handle_is_an_error_and_the_adapter_goes_on(self):
        sc = scenario(
            "error/unbound",
            [{"op": "create_task", "as": "t", "script": "s"},
             {"op": "sleep", "d": 1},
             {"op": "await", "target": "nope"}],
            {"s": {"steps": [{"op": "sleep", "d": 5}]}})
        resp = self.adapter.request(sc)
        self.assertEqual(resp["status"], "error", resp)
        self.assertEqual(resp["message"], "handle 'nope' used before it was bound (main, step 2)")
        self.assertNotIn("trace", resp)
        sc2 = scenario("error/unknown-script", [{"op": "await", "expr": {
            "kind": "gather", "children": [{"script": "missing"}]}}])
        resp2 = self.adapter.request(sc2)
        self.assertEqual(resp2["status"], "error", resp2)
        self.assertIn("missing", resp2["message"])
        # the next scenario runs normally on a fresh loop
        tr = self.completed(scenario("error/after", [{"op": "sleep", "d": 2}]))
        self.assertEqual([brief(e) for e in tr["events"]],
                         ["0 main start", "0 main step 0 sleep", "2 main exit =null"])

    def test_bad_scenarios_are_errors(self):
        for sc in ({"format": "something/else"},
                   "not an object",
                   scenario("bad/op", [{"op": "teleport"}]),
                   scenario("bad/kind", [{"op": "await", "expr": {"kind": "race"}}])):
            resp = self.adapter.request(sc)
            self.assertEqual(resp["status"], "error", resp)
            self.assertTrue(resp["message"])

    def test_unsupported_features_per_version(self):
        sc = scenario(
            "features/all",
            [{"op": "create_task", "as": "t", "script": "s"},
             {"op": "cancel", "target": "t", "msg": "m"},
             {"op": "timeout", "d": 1, "steps": [{"op": "await", "expr": {
                 "kind": "task_group", "children": [], "steps": []}}]},
             {"op": "await", "expr": {"kind": "as_completed", "form": "async_for", "children": []}}],
            {"s": {"steps": [{"op": "sleep", "d": 5}]}},
            requires=["cancel_message", "timeout", "task_group", "as_completed_async_for"])
        tr = self.run_ok(sc)
        missing = sorted(f for f in ["cancel_message", "timeout", "task_group", "as_completed_async_for"]
                         if f not in EXPECTED_FEATURES)
        if missing:
            self.assertEqual(tr["end"], "unsupported")
            self.assertEqual(tr["missing"], missing)
            self.assertEqual((tr["events"], tr["futures"], tr["reports"]), ([], {}, []))
        else:
            self.assertEqual(tr["end"], "completed")
            self.assertEqual(self.future(tr, "t"), {"kind": "task", "state": cancelled("m")})

    def test_deterministic_across_repeats(self):
        if self.real_clock:
            self.skipTest("determinism of set orders is checked on the virtual clock")
        many = {"w%d" % i: {"steps": [{"op": "sleep", "d": 10}, {"op": "return", "value": i}],
                            "on_cancel": {"kind": "cleanup", "d": 0}} for i in range(10)}
        many["boom"] = {"steps": [{"op": "sleep", "d": 1},
                                  {"op": "raise", "type": "ValueError", "message": "x"}]}
        many["q"] = sleep_return(1, "q")
        children = [{"script": "w%d" % i} for i in range(10)]
        scs = [
            scenario("det/wait", [{"op": "await", "expr": {"kind": "wait", "children": children,
                                                           "timeout": 1}}], many),
            scenario("det/as-completed", [{"op": "await", "expr": {
                "kind": "as_completed", "timeout": 2,
                "children": children[:5] + [{"script": "q"}, {"script": "q"}]}}], many),
            scenario("det/leftovers", [{"op": "create_task", "as": "t%d" % i, "script": "w%d" % i}
                                       for i in range(10)] + [{"op": "sleep", "d": 1}], many),
            scenario("det/gather-cancel", [
                {"op": "future", "as": "g", "expr": {"kind": "gather", "children": children}},
                {"op": "sleep", "d": 1}, {"op": "cancel", "target": "g"}, {"op": "await", "target": "g"}],
                many),
        ]
        if PY >= (3, 11):
            scs.append(scenario("det/task-group", [{"op": "await", "expr": {
                "kind": "task_group", "children": children + [{"script": "boom"}], "steps": []}}],
                many, requires=["task_group"]))
        first = [self.run_ok(sc) for sc in scs]
        for _ in range(3):
            again = [self.run_ok(sc) for sc in reversed(scs)][::-1]
            for a, b in zip(first, again):
                self.assertEqual(a, b, a["scenario"])
        if not self.eager:
            # The tasks asyncio creates for the bare coroutines of one call start in
            # argument order; leftovers are cancelled in creation order.
            starts = [e["task"] for e in first[1]["events"] if e["ev"] == "start"][1:]
            self.assertEqual(starts, ["w0#1", "w1#1", "w2#1", "w3#1", "w4#1", "q#1", "q#2"])
            if PY < (3, 11):
                starts = [e["task"] for e in first[0]["events"] if e["ev"] == "start"][1:]
                self.assertEqual(starts, ["w%d#1" % i for i in range(10)])
            cancels = [e["task"] for e in first[2]["events"] if e["ev"] == "on_cancel"]
            self.assertEqual(sorted(cancels), ["t%d" % i for i in range(10)])

    def test_eager_tasks_start_inside_create_task(self):
        # The child looks at its own handle in its first step: bound even when the task
        # runs eagerly inside create_task.
        sc = scenario("eager/start", [{"op": "create_task", "as": "t", "script": "s"},
                                      {"op": "state", "target": "t"}],
                      {"s": {"steps": [{"op": "state", "target": "t"},
                                       {"op": "return", "value": 1}]}})
        tr = self.completed(sc)
        ev = [brief(e) for e in tr["events"]]
        if self.eager:
            self.assertEqual(ev, ["0 main start", "0 main step 0 create_task", "0 t start",
                                  "0 t step 0 state", "0 t state 0 t=pending",
                                  "0 t step 1 return", "0 t exit =1", "0 main step 1 state",
                                  "0 main state 1 t=done", "0 main exit =null"])
        else:
            self.assertEqual(ev, ["0 main start", "0 main step 0 create_task", "0 main step 1 state",
                                  "0 main state 1 t=pending", "0 main exit =null",
                                  "0 t start", "0 t step 0 state", "0 t state 0 t=pending",
                                  "0 t step 1 return", "0 t exit =1"])


class TestProtocol(unittest.TestCase):
    def start(self, **kw):
        a = AdapterProcess(**kw)
        hello = a.read()
        if "error" in hello:
            a.close()
            self.skipTest("adapter refused options %r: %s" % (ARGS, hello["error"]))
        return a, hello

    def test_malformed_requests_and_quit(self):
        a, hello = self.start()
        try:
            a.send_line("this is not json")
            r = a.read()
            self.assertEqual((r["id"], r["status"]), (None, "error"))
            a.send_line("[1, 2]")
            r = a.read()
            self.assertEqual((r["id"], r["status"]), (None, "error"))
            a.send_line("")  # blank lines are skipped
            a.send_line(json.dumps({"id": "x1"}))
            r = a.read()
            self.assertEqual((r["id"], r["status"]), ("x1", "error"))
            a.send_line(json.dumps({"id": {"k": [1]}, "scenario": scenario("p/ok", [])}))
            r = a.read()
            self.assertEqual((r["id"], r["status"]), ({"k": [1]}, "ok"))
            self.assertEqual([brief(e) for e in r["trace"]["events"]],
                             ["0 main start", "0 main exit =null"])
            # One write for both lines: the adapter must see the late request and ignore it.
            # (Two writes race with its exit: the second could meet a closed pipe.)
            a.send_line(json.dumps({"id": 9, "quit": True}) + "\n"
                        + json.dumps({"id": 10, "scenario": scenario("p/late", [])}))
            self.assertEqual(a.proc.wait(timeout=TIMEOUT), 0)
            self.assertTrue(a.lines.get(timeout=TIMEOUT) is None)  # nothing after quit
        finally:
            a.close()

    def test_end_of_input_exits_zero(self):
        a, hello = self.start()
        self.assertEqual(a.close(), 0)

    def test_option_the_interpreter_cannot_honour(self):
        a = AdapterProcess(args=["--tasks", "c", "--task-factory", "eager", "--loop", "nope"])
        hello = a.read()
        self.assertEqual(hello["protocol"], "aioconform.adapter/1")
        self.assertIn("error", hello)
        self.assertEqual(a.close(), 2)
        if PY < (3, 12):
            a = AdapterProcess(args=["--task-factory", "eager"])
            hello = a.read()
            self.assertIn("eager", hello["error"])
            self.assertEqual(a.close(), 2)

    def test_stdout_noise_from_the_runtime_does_not_corrupt_the_protocol(self):
        # Run the adapter with asyncio.sleep patched to print to stdout, write to fd 1
        # directly and write to sys.__stdout__: all of it must end up on stderr.
        boot = (
            "import asyncio, os, runpy, sys\n"
            "_sleep = asyncio.sleep\n"
            "async def noisy(d, *a, **k):\n"
            "    print('noise from print', d)\n"
            "    os.write(1, b'noise on fd 1\\n')\n"
            "    sys.__stdout__.write('noise on __stdout__\\n'); sys.__stdout__.flush()\n"
            "    return await _sleep(d, *a, **k)\n"
            "asyncio.sleep = noisy\n"
            "sys.argv = [%r] + sys.argv[1:]\n"
            "runpy.run_path(%r, run_name='__main__')\n" % (ADAPTER, ADAPTER))
        a, hello = self.start(cmd=[sys.executable, "-c", boot] + ARGS)
        try:
            self.assertEqual(hello["protocol"], "aioconform.adapter/1")
            for i in range(3):
                r = a.request(scenario("noise/%d" % i, [{"op": "sleep", "d": 1}, {"op": "sleep", "d": 0}]))
                self.assertEqual(r["status"], "ok")
                self.assertEqual([brief(e) for e in r["trace"]["events"]],
                                 ["0 main start", "0 main step 0 sleep", "1 main step 1 sleep",
                                  "1 main exit =null"])
        finally:
            self.assertEqual(a.close(), 0)


if __name__ == "__main__":
    unittest.main()
