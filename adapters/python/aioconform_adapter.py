#!/usr/bin/env python3
"""aioconform adapter for Python's asyncio: protocol ``aioconform.adapter/1``.

Reads scenario requests (JSON Lines) on stdin, runs each scenario as
``asyncio.run(main())`` on this interpreter and answers one JSON line per request on
stdout with the trace (see spec/formats/scenario.md, spec/formats/trace.md and
docs/adapter-protocol.md).

Standard library only; runs unchanged on CPython 3.8-3.13 and PyPy 3.9 (and on
uvloop with ``--loop uvloop``).

Set AIOCONFORM_ADAPTER_DEBUG=1 to get the traceback of every exception an outcome records
on stderr.

How a run is made deterministic (decided here, documented in docs/adapter-protocol.md):
* the virtual loop's clock only moves when the loop would block, by exactly the time
  to the next timer;
* the cyclic garbage collector is disabled while a scenario runs (and run explicitly
  afterwards), so objects die at deterministic points;
* tasks hash by their creation order within the run (a ``Task`` subclass that only
  overrides ``__hash__``), so asyncio's iterations over sets of tasks
  (``TaskGroup`` aborting, ``asyncio.run`` cancelling what is left) follow a
  reproducible order instead of memory addresses;
* the tasks that ``asyncio.wait`` (3.8-3.10) and ``asyncio.as_completed`` create for
  the bare coroutines of one call, which asyncio creates in the iteration order of a
  set of coroutines (memory addresses), are created in argument order.
"""

import asyncio
import builtins
import gc
import json
import os
import platform
import re
import selectors
import signal
import sys

from asyncio import futures as _futures
from asyncio import tasks as _tasks

try:
    # The warnings module imports tracemalloc (and with it pickle) when it first shows a
    # RuntimeWarning, such as "coroutine ... was never awaited". Imported during a run, after
    # gc.freeze(), its ~500 objects were traversed by every later collection, which then cost
    # three times as much: import it before the freeze.
    import tracemalloc  # noqa: F401
except ImportError:  # pragma: no cover - an interpreter without it
    pass

PROTOCOL = "aioconform.adapter/1"
SCENARIO_FORMAT = "aioconform.scenario/1"
TRACE_FORMAT = "aioconform.trace/1"

PY = sys.version_info
CancelledError = asyncio.CancelledError
_BaseExceptionGroup = getattr(builtins, "BaseExceptionGroup", None)

# feature -> available on this interpreter
FEATURES = {
    "cancel_message": PY >= (3, 9),
    "timeout": hasattr(asyncio, "timeout"),
    "task_group": hasattr(asyncio, "TaskGroup"),
    "as_completed_async_for": PY >= (3, 13),
}

BUILTIN_EXCEPTIONS = {
    "Exception": Exception,
    "ValueError": ValueError,
    "TypeError": TypeError,
    "KeyError": KeyError,
    "RuntimeError": RuntimeError,
    "ZeroDivisionError": ZeroDivisionError,
    "OSError": OSError,
    "LookupError": LookupError,
    "ArithmeticError": ArithmeticError,
    "TimeoutError": builtins.TimeoutError,
    "CancelledError": CancelledError,
}

OPS = ("sleep", "return", "raise", "hang", "create_task", "future", "cancel", "await",
       "timeout", "event_wait", "event_set", "state")
COROUTINE_KINDS = ("wait", "as_completed", "wait_for", "task_group", "wait_any")
FUTURE_KINDS = ("gather", "shield")
RETURN_WHEN = {
    "ALL_COMPLETED": asyncio.ALL_COMPLETED,
    "FIRST_COMPLETED": asyncio.FIRST_COMPLETED,
    "FIRST_EXCEPTION": asyncio.FIRST_EXCEPTION,
}
ON_CANCEL = ("propagate", "swallow", "cleanup", "raise")

# Whether a full collection after each scenario is cheap (CPython with gc.freeze()).
_CHEAP_GC = hasattr(gc, "freeze") and sys.implementation.name == "cpython"
# Steps one run may execute before it is declared a runaway (an error): scenarios
# have no loops, so only a script that (indirectly) starts itself gets there.
STEP_BUDGET = 100000
# Deepest value or exception group the trace encodes.
MAX_DEPTH = 100

# The `task` of a `report` event made while no task runs.
LOOP_TASK = "(loop)"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# A task's repr names where its coroutine is running: this file and a line number, which
# would change with every edit of the adapter. Normalised like addresses (trace.md).
_SOURCE_LOCATION = re.compile(r"\S*aioconform_adapter\.py:\d+")
# Real clock: seconds the hang watchdog waits beyond the scenario's horizon.
WATCHDOG_SLACK_S = 2.0
_DEBUG = bool(os.environ.get("AIOCONFORM_ADAPTER_DEBUG"))


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _text(obj):
    try:
        s = str(obj)
    except Exception:  # pragma: no cover - str() of a runtime object failed
        s = "<unprintable %s>" % type(obj).__name__
    return _SOURCE_LOCATION.sub("<adapter>", _ADDRESS.sub("0x?", s))


_DECLARED = {}


def _declared_exception(name):
    """The class of a scenario's declared exception `name`: made once per process, since a
    new class per run cost a fifth of a small scenario's run (and left cycles to collect)."""
    name = str(name)
    cls = _DECLARED.get(name)
    if cls is None:
        cls = _DECLARED[name] = type(name, (Exception,), {"__module__": "aioconform.scenario"})
    return cls


class ScenarioError(BaseException):
    """The scenario cannot be interpreted (a scenario error, not a runtime verdict).

    A BaseException (not an Exception) so that a scenario's ``catch`` never catches it.
    """


# --------------------------------------------------------------------------------------
# Tasks: a subclass of the chosen implementation that only hashes by creation order.

_hash_counter = [0]


def _make_task_class(base):
    class Task(base):  # named "Task" so reprs and log messages read as for asyncio.Task
        __slots__ = ()

        def __init__(self, *args, **kwargs):
            _hash_counter[0] += 1
            self._aioc_hash = _hash_counter[0]
            super().__init__(*args, **kwargs)

        def __hash__(self):
            return self._aioc_hash

        def set_name(self, value):
            # 3.13.0's loop.create_task calls task.set_name(name) even when name is None
            # if a task factory is installed (ours always is): keep the factory's name.
            if value is not None:
                super().set_name(value)

    Task.__module__ = base.__module__
    Task.__qualname__ = base.__qualname__
    return Task


_TASK_TYPES = tuple({t for t in (asyncio.Task, getattr(_tasks, "_PyTask", asyncio.Task))})


def _is_task(obj):
    return isinstance(obj, _TASK_TYPES)


def _weak_registries():
    regs = []
    for attr in ("_scheduled_tasks", "_all_tasks"):
        ws = getattr(_tasks, attr, None)
        if ws is not None and hasattr(ws, "data"):
            regs.append(ws.data)
            break
    eager = getattr(_tasks, "_eager_tasks", None)
    if isinstance(eager, set):
        regs.append(eager)
    return regs


_REGISTRIES = _weak_registries()


def _reset_registries():
    """Give asyncio's (empty) task registries a fresh table so that iterating them
    does not depend on what earlier scenarios did."""
    for s in _REGISTRIES:
        if not s:
            s.clear()


# --------------------------------------------------------------------------------------
# The virtual loop.

class _VirtualSelector(selectors.BaseSelector):
    """A selector with nothing to watch: select(timeout) advances the virtual clock."""

    def __init__(self, loop):
        self._loop = loop
        self._map = {}

    @staticmethod
    def _fd(fileobj):
        return fileobj if isinstance(fileobj, int) else fileobj.fileno()

    def register(self, fileobj, events, data=None):
        fd = self._fd(fileobj)
        key = selectors.SelectorKey(fileobj, fd, events, data)
        self._map[fd] = key
        return key

    def unregister(self, fileobj):
        return self._map.pop(self._fd(fileobj))

    def get_key(self, fileobj):
        return self._map[self._fd(fileobj)]

    def get_map(self):
        return self._map

    def select(self, timeout=None):
        loop = self._loop
        if timeout is None:
            # Nothing ready, no timer: nothing can ever run again.
            loop._aioc_run.on_hang()
            loop.stop()
        elif timeout > 0:
            loop._aioc_now += timeout
        return []

    def close(self):
        self._map.clear()


class _VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, run):
        self._aioc_run = run
        self._aioc_now = 0.0
        super().__init__(_VirtualSelector(self))
        # Timers whose deadline is now fire; the next integer deadline does not.
        self._clock_resolution = 0.5

    def time(self):
        return self._aioc_now

    # Single-threaded and signal-free: no self-pipe (saves a socketpair per scenario).
    def _make_self_pipe(self):
        self._ssock = self._csock = None

    def _close_self_pipe(self):
        pass


class _VirtualLoopPyFutures(_VirtualLoop):
    def create_future(self):
        return _futures._PyFuture(loop=self)


def _logical_clock_loop(base, unit):
    """A real-clock loop class (uvloop) that also keeps a logical clock, in units.

    Events are stamped with the deadline of the last timer that fired rather than with
    the real elapsed time, so that a loaded machine, which can only make timers late,
    never changes a trace. asyncio promises only that a timer never fires early: that
    is checked on the real clock and, if broken, recorded as a report event."""

    class _LogicalClockLoop(base):
        def _aioc_reset(self, run):
            self._aioc_run = run
            self._aioc_logical = 0

        # uvloop's call_at delegates to call_later, so call_later is the one primitive.
        def call_later(self, delay, callback, *args, context=None):
            steps = max(0, int(round(delay / unit)))
            return super().call_later(delay, self._aioc_fire, self._aioc_logical + steps,
                                      self.time() + delay, callback, args, context=context)

        def call_at(self, when, callback, *args, context=None):
            return self.call_later(when - self.time(), callback, *args, context=context)

        def _aioc_call_later_unlogged(self, delay, callback):
            return super().call_later(delay, callback)

        def _aioc_fire(self, logical_when, real_when, callback, args):
            # uvloop's clock has millisecond resolution: allow one tick of rounding.
            if self.time() + 0.001 < real_when:
                self._aioc_run.rec("(loop)", "report", message="a timer fired before its deadline")
            if logical_when > self._aioc_logical:
                self._aioc_logical = logical_when
            callback(*args)

    return _LogicalClockLoop


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def _own_sigint_handler():
    """Replace Python's default SIGINT handler with one that does the same (raise
    KeyboardInterrupt). asyncio.run (3.11+) installs its own handler around every run
    when, and only when, the default one is in place; on 3.12 that costs about 75 us a
    scenario (signal's enum conversions format a repr of the main task). Ctrl-C still
    ends the adapter with KeyboardInterrupt; no scenario ever sees a signal."""
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    except ValueError:  # not the main thread: asyncio.run does not install one either
        pass


class _Policy(asyncio.DefaultEventLoopPolicy):
    def __init__(self, adapter):
        super().__init__()
        self._adapter = adapter

    def new_event_loop(self):
        return self._adapter.new_loop()


# --------------------------------------------------------------------------------------
# One run of one scenario.

class _Info(object):
    """A coroutine instance the adapter created."""
    __slots__ = ("coro", "name", "handle", "task", "burst")

    def __init__(self, name, handle):
        self.coro = None
        self.name = name
        self.handle = handle
        self.task = None
        self.burst = None


class _Ctx(object):
    """The executing coroutine instance of a script (or of a nested task_group body)."""
    __slots__ = ("name", "catch", "cexc", "cpath", "raised")

    def __init__(self, name, catch):
        self.name = name
        self.catch = catch
        self.cexc = None
        self.cpath = None
        self.raised = None

    def note(self, exc, path):
        # The innermost step a CancelledError escaped from (the first to see it).
        if self.cexc is not exc:
            self.cexc = exc
            self.cpath = path


class Run(object):
    def __init__(self, adapter, sc, horizon, event_names):
        self.a = adapter
        self.sc = sc
        self.scripts = sc.get("scripts") or {}
        self.horizon = horizon
        self.event_names = event_names
        self.events = []
        self.recording = True
        self.phase = "run"  # run -> collect -> done
        self.hung = False
        self.error = None
        self.snapshot = None
        self.reports = []
        self.handles = {}
        self.named = {}  # name -> task/future, for the futures table
        self.obj_names = {}  # id(obj) -> name (first name wins)
        self.infos = {}  # id(coro) -> _Info
        self.other_tasks = []  # tasks of coroutines the adapter did not create
        self.counters = {}
        self.asyncio_events = {}
        self.loop = None
        self.declared = {}
        for n in sc.get("exceptions") or ():
            self.declared[n] = _declared_exception(n)
        self.declared_types = set(self.declared.values())
        self.real = adapter.real
        self.unit = adapter.unit_ms / 1000.0
        self.budget = STEP_BUDGET

    # ---- time, recording ------------------------------------------------------------
    def now(self):
        if self.real:
            return self.loop._aioc_logical
        return int(self.loop._aioc_now)

    def dur(self, d):
        if d is None:
            return None
        if not isinstance(d, int) or isinstance(d, bool) or d < 0:
            raise self.fail("bad duration %r" % (d,))
        return d * self.unit if self.real else d

    def rec(self, task, ev, **fields):
        if self.recording:
            fields["t"] = self.now()
            fields["task"] = task
            fields["ev"] = ev
            self.events.append(fields)

    # ---- stop conditions --------------------------------------------------------------
    def on_hang(self):
        if self.phase == "run" and not self.hung and self.error is None:
            try:
                self.snapshot = self.futures_table()
            except ScenarioError:
                return  # fail() recorded the error (and stops the loop)
            self.hung = True
            self.recording = False

    def fail(self, message):
        # A scenario error once the run has hung (during the unrecorded clean-up) does
        # not change the answer; the loop stops all the same.
        if self.error is None and not self.hung and self.phase == "run":
            self.error = message
            self.recording = False
        if self.loop is not None:
            self.loop.stop()
        return ScenarioError(message)

    def on_watchdog(self):
        # Real clock: the horizon passed and asyncio.run has not finished.
        if self.phase == "run":
            self.on_hang()
        self.loop.stop()
        self.loop._aioc_call_later_unlogged(self.unit, self.on_watchdog)

    # ---- the loop's exception handler ---------------------------------------------
    def on_exception(self, loop, context):
        if self.phase == "run":
            if not self.recording:
                return
            r = self.report_of(context, self.obj_names)
            task = None
            try:
                task = _tasks.current_task(loop)
            except Exception:
                pass
            # Made outside any task (asyncio.run's shutdown): a name no handle or
            # auto-name can be.
            tname = LOOP_TASK if task is None else self.obj_names.get(id(task), LOOP_TASK)
            r["t"] = self.now()
            r["task"] = tname
            r["ev"] = "report"
            self.events.append(r)
        elif self.phase == "collect":
            self.reports.append(self.report_of(context, self.final_names))

    def report_of(self, context, names):
        r = {"message": _text(context.get("message", ""))}
        fut = context.get("future")
        if fut is None:
            fut = context.get("task")
        if fut is not None:
            name = names.get(id(fut))
            if name is None and _is_task(fut):
                try:
                    name = fut.get_name()
                except Exception:
                    name = None
            if name is not None:
                r["future"] = name
        exc = context.get("exception")
        if exc is not None:
            r["exception"] = self.enc_exc(exc)
        return r

    # ---- encoding ---------------------------------------------------------------------
    def type_name(self, t):
        if t in self.declared_types:
            return t.__name__
        mod = getattr(t, "__module__", None)
        if mod == "builtins":
            return t.__qualname__
        return "%s.%s" % (mod, t.__qualname__)

    def too_deep(self):
        # Only a script that (indirectly) starts itself nests this deep, e.g. task
        # groups of task groups: refuse rather than truncate or crash.
        return self.fail("runaway scenario: a value or exception group nests more than %d "
                         "levels deep" % MAX_DEPTH)

    def enc_exc(self, e, depth=0):
        if depth > MAX_DEPTH:
            raise self.too_deep()
        d = {"type": self.type_name(type(e)), "message": _text(e)}
        if _BaseExceptionGroup is not None and isinstance(e, _BaseExceptionGroup):
            d["exceptions"] = [self.enc_exc(x, depth + 1) for x in e.exceptions]
        return d

    def enc(self, v, depth=0):
        """A value as the trace encodes it (trace.md, "Values")."""
        t = type(v)
        if v is None or t is bool or t is str or t is int:
            return v
        if depth > MAX_DEPTH:
            raise self.too_deep()
        depth += 1
        if isinstance(v, (list, tuple)):
            return [self.enc(x, depth) for x in v]
        if isinstance(v, dict):
            return {str(k): self.enc(x, depth) for k, x in v.items()}
        if isinstance(v, (set, frozenset)):
            items = [self.enc(x, depth) for x in v]
            items.sort(key=canonical)
            return {"$set": items}
        if isinstance(v, BaseException):
            return {"$exception": self.enc_exc(v, depth)}
        if asyncio.isfuture(v):
            return {"$future": self.obj_names.get(id(v), "?")}
        if isinstance(v, bool):
            return bool(v)
        if isinstance(v, int):
            return int(v)
        if isinstance(v, str):
            return str(v)
        # Nothing else can come out of a scenario; never crash on it.
        return {"$object": self.type_name(type(v))}

    def outcome_exc(self, e, debug=_DEBUG):
        if isinstance(e, CancelledError):
            return {"cancelled": {"message": _text(e)}}
        if debug:
            import traceback
            traceback.print_exception(type(e), e, e.__traceback__, file=sys.stderr)
        return {"exception": self.enc_exc(e)}

    def state_of(self, f):
        st = f._state
        if st == "PENDING":
            return "pending"
        if st == "CANCELLED":
            try:
                f.exception()
            except CancelledError as e:
                return {"cancelled": {"message": _text(e)}}
            except BaseException:  # pragma: no cover
                pass
            return {"cancelled": {"message": ""}}
        exc = f._exception
        if exc is not None:
            # A future can also finish with a CancelledError as its *exception* without
            # being cancelled (a gather whose cancel() was requested): trace.md keeps that
            # visible as an exception outcome, since cancelled() is false.
            return {"exception": self.enc_exc(exc)}
        return {"result": self.enc(f._result)}

    def may_report(self):
        """How many reports collecting the run's objects will make: one per future whose
        exception was never retrieved, one per task still pending (after a hang: those
        reports are not kept, so none is expected).  Used where a collection is
        expensive (PyPy)."""
        if self.hung or self.error is not None:
            return 0
        n = 0
        objs = {id(f): f for f in self.named.values()}
        for f in self.other_tasks:
            objs[id(f)] = f
        for f in objs.values():
            if getattr(f, "_log_traceback", False):
                n += 1
            elif f._state == "PENDING" and getattr(f, "_log_destroy_pending", False):
                n += 1
        return n

    def futures_table(self):
        out = {}
        for name, obj in self.named.items():
            out[name] = {"kind": "task" if _is_task(obj) else "future",
                         "state": self.state_of(obj)}
        return out

    # ---- naming and binding -----------------------------------------------------------
    def auto(self, prefix):
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return "%s#%d" % (prefix, n)

    def register(self, obj, name, handle=None):
        self.named[name] = obj
        self.obj_names.setdefault(id(obj), name)
        if handle is not None:
            self.handles[handle] = obj

    def reg_coro(self, coro, name, handle):
        info = _Info(name, handle)
        info.coro = coro
        self.infos[id(coro)] = info
        return info

    def bind_task(self, info, task):
        if info.task is None:
            info.task = task
            self.register(task, info.name, info.handle)

    def lookup(self, handle, ctx, path):
        try:
            return self.handles[handle]
        except (KeyError, TypeError):
            raise self.fail("handle %r used before it was bound (%s, step %s)"
                            % (handle, ctx.name, path))

    def burst(self, children):
        """Coroutine children of one wait/as_completed call: asyncio wraps them in tasks
        while iterating a set; the task factory creates them in argument order."""
        infos = []
        for c in children:
            info = self.infos.get(id(c))
            if info is not None and info.coro is c and info.task is None:
                infos.append(info)
        if len(infos) > 1:
            for info in infos:
                info.burst = infos

    # ---- the task factory ---------------------------------------------------------------
    def task_factory(self, loop, coro, **kwargs):
        info = self.infos.get(id(coro))
        if info is None or info.coro is not coro:
            task = self.a.make_task(loop, coro, kwargs)
            if self.other_tasks is not None:
                self.other_tasks.append(task)
            return task
        if info.task is not None:
            return info.task  # created ahead with the rest of its burst
        burst = info.burst
        if burst is not None:
            for m in burst:
                m.burst = None
            for m in burst:
                if m.task is None:
                    self.new_task(loop, m, kwargs if m is info else {})
            return info.task
        return self.new_task(loop, info, kwargs)

    def new_task(self, loop, info, kwargs):
        kwargs = dict(kwargs)
        kwargs["name"] = info.name
        task = self.a.make_task(loop, info.coro, kwargs)
        self.bind_task(info, task)
        return task

    # ---- scripts ------------------------------------------------------------------------
    def new_script_coro(self, sname, handle, ctx, path):
        script = self.scripts.get(sname) if isinstance(sname, str) else None
        if not isinstance(script, dict):
            raise self.fail("unknown script %r (%s, step %s)" % (sname, ctx.name, path))
        info = _Info(handle if handle is not None else self.auto(sname), handle)
        coro = self.script_coro(info, script, False)
        info.coro = coro
        self.infos[id(coro)] = info
        return coro

    async def script_coro(self, info, script, is_main):
        name = info.name
        if info.task is None:
            # An eager task runs its first step inside the task factory: bind it now.
            task = _tasks.current_task()
            if task is not None and task.get_coro() is info.coro:
                self.bind_task(info, task)
        if is_main:
            self.on_main_start()
        self.rec(name, "start")
        ctx = _Ctx(name, is_main)
        try:
            sig = await self.run_steps(ctx, script.get("steps") or (), "")
        except CancelledError as e:
            if e is ctx.raised:  # a `raise CancelledError` step: not delivered
                self.rec(name, "exit", outcome=self.outcome_exc(e))
                raise
            oc = script.get("on_cancel") or {}
            kind = oc.get("kind", "propagate")
            self.rec(name, "on_cancel", at=ctx.cpath if ctx.cexc is e else "",
                     policy=kind, message=_text(e))
            if kind == "swallow":
                v = oc.get("value")
                self.rec(name, "exit", outcome={"result": self.enc(v)})
                return v
            if kind == "cleanup":
                try:
                    await asyncio.sleep(self.dur(oc.get("d", 0)))
                except CancelledError as e2:
                    self.rec(name, "exit", outcome=self.outcome_exc(e2))
                    raise
                except Exception as e2:  # pragma: no cover - sleep does not raise
                    self.rec(name, "exit", outcome=self.outcome_exc(e2))
                    raise
                self.rec(name, "exit", outcome=self.outcome_exc(e))
                raise e
            if kind == "raise":
                exc = self.exc_class(oc.get("type"), ctx, "on_cancel")(oc.get("message", ""))
                self.rec(name, "exit", outcome=self.outcome_exc(exc))
                raise exc
            self.rec(name, "exit", outcome=self.outcome_exc(e))
            raise
        except Exception as e:
            self.rec(name, "exit", outcome=self.outcome_exc(e))
            raise
        v = sig[1] if sig is not None else None
        self.rec(name, "exit", outcome={"result": self.enc(v)})
        return v

    def on_main_start(self):
        loop = self.loop
        for n in self.event_names:
            self.asyncio_events[n] = asyncio.Event()
        if self.real:
            loop._aioc_reset(self)
            # Unlogged, so that the watchdog never moves the logical clock; the slack keeps
            # a loaded machine's late timers from being taken for a hang.
            loop._aioc_call_later_unlogged(self.horizon * self.unit + WATCHDOG_SLACK_S,
                                           self.on_watchdog)

    async def run_steps(self, ctx, steps, prefix):
        ops = self.OPS
        for i, st in enumerate(steps):
            path = prefix + str(i)
            self.budget -= 1
            if self.budget < 0:
                # A script that starts itself, directly or not, never ends.
                raise self.fail("runaway scenario: more than %d steps executed (%s, step %s)"
                                % (STEP_BUDGET, ctx.name, path))
            op = st.get("op") if isinstance(st, dict) else None
            fn = ops.get(op)
            if fn is None:
                raise self.fail("unknown op %r (%s, step %s)" % (op, ctx.name, path))
            self.rec(ctx.name, "step", at=path, op=op)
            try:
                sig = await fn(self, ctx, st, path)
            except CancelledError as e:
                ctx.note(e, path)
                raise
            if sig is not None:
                return sig
        return None

    def exc_class(self, tname, ctx, path):
        cls = self.declared.get(tname) if isinstance(tname, str) else None
        if cls is None:
            cls = BUILTIN_EXCEPTIONS.get(tname) if isinstance(tname, str) else None
        if cls is None:
            raise self.fail("unknown exception type %r (%s, step %s)" % (tname, ctx.name, path))
        return cls

    # ---- steps ----------------------------------------------------------------------------
    async def op_sleep(self, ctx, st, path):
        await asyncio.sleep(self.dur(st.get("d", 0)))

    async def op_return(self, ctx, st, path):
        return ("return", st.get("value"))

    async def op_raise(self, ctx, st, path):
        msg = st.get("message")
        exc = self.exc_class(st.get("type"), ctx, path)("" if msg is None else msg)
        if isinstance(exc, CancelledError):
            ctx.raised = exc
        raise exc

    async def op_hang(self, ctx, st, path):
        await asyncio.get_running_loop().create_future()

    async def op_create_task(self, ctx, st, path):
        handle = st.get("as")
        if "script" in st:
            coro = self.new_script_coro(st["script"], handle, ctx, path)
        elif "expr" in st:
            aw = self.eval_expr(ctx, st["expr"], path, exec_name=handle or ctx.name)
            coro = self._awaits(aw)
            self.reg_coro(coro, handle if handle is not None else self.auto("task"), handle)
        else:
            raise self.fail("create_task needs a script or an expr (%s, step %s)" % (ctx.name, path))
        info = self.infos[id(coro)]
        task = asyncio.create_task(coro)
        self.bind_task(info, task)

    @staticmethod
    async def _awaits(aw):
        return await aw

    async def op_future(self, ctx, st, path):
        e = st.get("expr")
        if not isinstance(e, dict) or e.get("kind") not in FUTURE_KINDS:
            raise self.fail("future needs a gather or shield expr (%s, step %s)" % (ctx.name, path))
        self.eval_expr(ctx, e, path, exec_name=ctx.name, as_=st.get("as"))

    async def op_cancel(self, ctx, st, path):
        target = st.get("target")
        f = self.lookup(target, ctx, path)
        msg = st.get("msg")
        if msg is not None:
            r = f.cancel(msg)
            self.rec(ctx.name, "cancel", at=path, target=target, returned=bool(r), msg=msg)
        else:
            r = f.cancel()
            self.rec(ctx.name, "cancel", at=path, target=target, returned=bool(r))

    async def op_state(self, ctx, st, path):
        target = st.get("target")
        f = self.lookup(target, ctx, path)
        if not f.done():
            s = "pending"
        elif f.cancelled():
            s = "cancelled"
        else:
            s = "done"
        self.rec(ctx.name, "state", at=path, target=target, state=s)

    async def op_event_wait(self, ctx, st, path):
        await self.asyncio_events[st.get("event")].wait()

    async def op_event_set(self, ctx, st, path):
        self.asyncio_events[st.get("event")].set()

    async def op_await(self, ctx, st, path):
        catch = st.get("catch")
        if catch is None:
            catch = ctx.catch
        sig = None
        try:
            if "target" in st:
                v = await self.lookup(st["target"], ctx, path)
            else:
                e = st.get("expr")
                if isinstance(e, dict) and e.get("kind") == "task_group":
                    # The block is part of this coroutine: a `return` inside it returns
                    # from the script once the group has exited.
                    coros = self.tg_children(ctx, e, path)
                    sig = await self.tg_body(ctx, coros, e.get("steps") or (), path)
                    v = None
                else:
                    v = await self.eval_expr(ctx, e, path, exec_name=ctx.name)
        except CancelledError as exc:
            self.rec(ctx.name, "await_end", at=path, outcome=self.outcome_exc(exc))
            if catch:
                return None
            raise
        except Exception as exc:
            self.rec(ctx.name, "await_end", at=path, outcome=self.outcome_exc(exc))
            if catch:
                return None
            raise
        if sig is not None:
            return sig
        self.rec(ctx.name, "await_end", at=path, outcome={"result": self.enc(v)})
        return None

    async def op_timeout(self, ctx, st, path):
        catch = st.get("catch")
        if catch is None:
            catch = ctx.catch
        d = self.dur(st.get("d"))
        try:
            async with asyncio.timeout(d):
                sig = await self.run_steps(ctx, st.get("steps") or (), path + ".")
        except CancelledError as exc:
            self.rec(ctx.name, "block_end", at=path, outcome=self.outcome_exc(exc))
            if catch:
                return None
            raise
        except Exception as exc:
            self.rec(ctx.name, "block_end", at=path, outcome=self.outcome_exc(exc))
            if catch:
                return None
            raise
        if sig is not None:
            return sig
        self.rec(ctx.name, "block_end", at=path, outcome={"result": None})
        return None

    OPS = {
        "sleep": op_sleep, "return": op_return, "raise": op_raise, "hang": op_hang,
        "create_task": op_create_task, "future": op_future, "cancel": op_cancel,
        "await": op_await, "timeout": op_timeout, "event_wait": op_event_wait,
        "event_set": op_event_set, "state": op_state,
    }

    # ---- expressions ----------------------------------------------------------------------
    def eval_child(self, ctx, c, path):
        if not isinstance(c, dict):
            raise self.fail("bad child %r (%s, step %s)" % (c, ctx.name, path))
        if "script" in c:
            return self.new_script_coro(c["script"], c.get("as"), ctx, path)
        if "task" in c:
            return self.lookup(c["task"], ctx, path)
        if "expr" in c:
            return self.eval_expr(ctx, c["expr"], path, as_=c.get("as"), nested=True)
        raise self.fail("bad child %r (%s, step %s)" % (c, ctx.name, path))

    def children(self, ctx, e, path):
        cs = e.get("children") or ()
        return [self.eval_child(ctx, c, path) for c in cs]

    def timeout_of(self, e):
        return self.dur(e.get("timeout"))

    def eval_expr(self, ctx, e, path, exec_name=None, as_=None, nested=False):
        """Evaluate a combinator expression to the future (gather, shield) or the
        coroutine (other kinds) it stands for."""
        kind = e.get("kind") if isinstance(e, dict) else None
        if kind == "gather":
            cs = self.children(ctx, e, path)
            f = asyncio.gather(*cs, return_exceptions=bool(e.get("return_exceptions", False)))
            self.register(f, as_ if as_ is not None else self.auto("gather"), as_)
            return f
        if kind == "shield":
            if "child" not in e:
                raise self.fail("shield needs a child (%s, step %s)" % (ctx.name, path))
            child = self.eval_child(ctx, e["child"], path)
            f = asyncio.shield(child)
            self.register(f, as_ if as_ is not None else self.auto("shield"), as_)
            return f
        if kind not in COROUTINE_KINDS:
            raise self.fail("unknown expression kind %r (%s, step %s)" % (kind, ctx.name, path))
        # A nested coroutine is a named coroutine instance (its `as` or KIND#n, named
        # after its children, like every object, in creation order); events of the
        # adapter's own combinator coroutines carry that name. A top-level one runs in
        # the coroutine that awaits it (exec_name).
        own = as_
        ename = exec_name
        if kind == "wait":
            cs = self.children(ctx, e, path)
            rw = e.get("return_when") or "ALL_COMPLETED"
            if rw not in RETURN_WHEN:
                raise self.fail("unknown return_when %r (%s, step %s)" % (rw, ctx.name, path))
            self.burst(cs)
            coro = asyncio.wait(cs, timeout=self.timeout_of(e), return_when=RETURN_WHEN[rw])
        elif kind == "wait_for":
            if "child" not in e:
                raise self.fail("wait_for needs a child (%s, step %s)" % (ctx.name, path))
            child = self.eval_child(ctx, e["child"], path)
            coro = asyncio.wait_for(child, self.timeout_of(e))
        elif kind == "as_completed":
            cs = self.children(ctx, e, path)
            form = e.get("form") or "for"
            if form not in ("for", "async_for"):
                raise self.fail("unknown as_completed form %r (%s, step %s)" % (form, ctx.name, path))
            self.burst(cs)
            if nested:
                own = own if own is not None else self.auto(kind)
                ename = own
            coro = self.as_completed_coro(ename, path, cs, self.timeout_of(e), form)
        elif kind == "wait_any":
            cs = self.children(ctx, e, path)
            self.burst(cs)
            coro = self.wait_any_coro(cs, self.timeout_of(e))
        else:  # task_group
            coros = self.tg_children(ctx, e, path)
            if nested:
                own = own if own is not None else self.auto(kind)
                ename = own
            sub = _Ctx(ename, ctx.catch)
            coro = self.tg_coro(sub, coros, e.get("steps") or (), path)
        if nested:
            if own is None:
                own = self.auto(kind)
            self.reg_coro(coro, own, as_)
        return coro

    def tg_children(self, ctx, e, path):
        coros = []
        for c in e.get("children") or ():
            x = self.eval_child(ctx, c, path)
            if asyncio.isfuture(x) or not asyncio.iscoroutine(x):
                raise self.fail("task_group children must be scripts or coroutine expressions"
                                " (%s, step %s)" % (ctx.name, path))
            coros.append(x)
        return coros

    async def tg_body(self, ctx, coros, steps, path):
        async with asyncio.TaskGroup() as tg:
            for c in coros:
                tg.create_task(c)
            sig = await self.run_steps(ctx, steps, path + ".")
        return sig

    async def tg_coro(self, ctx, coros, steps, path):
        sig = await self.tg_body(ctx, coros, steps, path)
        return sig[1] if sig is not None else None

    async def as_completed_coro(self, ename, path, cs, timeout, form):
        outcomes = []
        if form == "async_for":
            i = 0
            async for aw in asyncio.as_completed(cs, timeout=timeout):
                fname = self.obj_names.get(id(aw), "?")
                try:
                    oc = {"result": self.enc(await aw)}
                except CancelledError as e:
                    self.rec(ename, "yield", at=path, i=i, outcome=self.outcome_exc(e), future=fname)
                    raise
                except Exception as e:
                    oc = self.outcome_exc(e)
                self.rec(ename, "yield", at=path, i=i, outcome=oc, future=fname)
                outcomes.append(oc)
                i += 1
        else:
            for i, aw in enumerate(asyncio.as_completed(cs, timeout=timeout)):
                try:
                    oc = {"result": self.enc(await aw)}
                except CancelledError as e:
                    self.rec(ename, "yield", at=path, i=i, outcome=self.outcome_exc(e))
                    raise
                except Exception as e:
                    oc = self.outcome_exc(e)
                self.rec(ename, "yield", at=path, i=i, outcome=oc)
                outcomes.append(oc)
        return outcomes

    @staticmethod
    async def wait_any_coro(tasks, timeout=None):
        # The seed-004 recipe, cancelling in argument order.
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

    # ---- the run ---------------------------------------------------------------------------
    def execute(self):
        main = self.sc.get("main")
        if not isinstance(main, dict):
            raise ScenarioError("scenario has no main script")
        info = _Info("main", "main")
        coro = self.script_coro(info, main, True)
        info.coro = coro
        self.infos[id(coro)] = info
        self.a.current = self
        _hash_counter[0] = 0
        _reset_registries()
        try:
            asyncio.run(coro, debug=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            # main's outcome is in futures.main; a hang or a scenario error stops the
            # loop early ("Event loop stopped before Future completed.").
            pass
        finally:
            coro = info = None
            self.recording = False
            loop = self.loop
            if loop is not None and not loop.is_closed() and not loop.is_running():
                loop.close()
            asyncio.set_event_loop(None)
            self.a.current = None
        futures = self.snapshot
        if not self.hung and self.error is None:
            try:
                futures = self.futures_table()
            except ScenarioError:
                pass  # self.error says why; clean up all the same
        # Drop every reference to the run's objects, then let them be collected: the
        # loop's exception handler calls made now are the reports.
        self.final_names = dict(self.obj_names)
        pending = None if _CHEAP_GC else self.may_report()
        self.phase = "collect"
        try:
            self.handles = self.named = self.infos = self.asyncio_events = None
            self.other_tasks = None
            self.loop = None
            if pending is None:
                # Up to 3 passes, as before, but a pass that finds nothing unreachable
                # ends it: nothing runs between passes, so the next would find nothing
                # too. Usually the second pass finds nothing (a pass costs ~30 us).
                for _ in range(3):
                    if gc.collect() == 0:
                        break
            else:
                # Collections are expensive here (PyPy): collect until every expected
                # report has been made. PyPy can need more than 3 passes (a task whose
                # exception's traceback reaches another's frame is finalized a pass
                # later), so allow up to 10; the loop ends as soon as all are in.
                self.a.uncollected += 1
                for _ in range(10):
                    if len(self.reports) >= pending:
                        break
                    gc.collect()
                    self.a.uncollected = 0
        finally:
            self.phase = "done"
        if self.a.uncollected >= 64:
            # Nothing of the last runs could report; just free their memory.
            gc.collect()
            self.a.uncollected = 0
        reports = [] if (self.hung or self.error) else self.reports
        reports.sort(key=canonical)
        if self.error is not None:
            raise ScenarioError(self.error)
        return {
            "end": "hang" if self.hung else "completed",
            "missing": [],
            "events": self.events,
            "futures": futures,
            "reports": reports,
        }


# --------------------------------------------------------------------------------------
# Scenario scanning: features used, horizon, event names, light validation.

def scan(sc):
    feats = set()
    total = [0]
    event_names = []

    def bad(msg):
        raise ScenarioError(msg)

    def num(v, where):
        if v is None:
            return
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            bad("%s: bad duration %r" % (where, v))
        total[0] += v

    def steps(lst, where, depth):
        if not isinstance(lst, list):
            bad("%s: steps must be a list" % where)
        if depth > 16:
            bad("%s: nesting too deep" % where)
        for i, st in enumerate(lst):
            w = "%s.%d" % (where, i)
            if not isinstance(st, dict):
                bad("%s: a step must be an object" % w)
            op = st.get("op")
            if op not in OPS:
                bad("%s: unknown op %r" % (w, op))
            if op == "sleep" and not isinstance(st.get("d"), int):
                bad("%s: sleep needs a duration d" % w)
            if op in ("sleep", "timeout"):
                num(st.get("d"), w)
            if op == "cancel" and st.get("msg") is not None:
                feats.add("cancel_message")
            if op == "timeout":
                feats.add("timeout")
                steps(st.get("steps") or [], w, depth + 1)
            if op in ("event_wait", "event_set"):
                ev = st.get("event")
                if not isinstance(ev, str):
                    bad("%s: event must be a name" % w)
                if ev not in event_names:
                    event_names.append(ev)
            if "expr" in st:
                expr(st["expr"], w, depth + 1)

    def expr(e, where, depth):
        if not isinstance(e, dict):
            bad("%s: an expression must be an object" % where)
        kind = e.get("kind")
        if kind not in FUTURE_KINDS and kind not in COROUTINE_KINDS:
            bad("%s: unknown expression kind %r" % (where, kind))
        if depth > 16:
            bad("%s: nesting too deep" % where)
        num(e.get("timeout"), where)
        if kind == "task_group":
            feats.add("task_group")
            steps(e.get("steps") or [], where, depth + 1)
        if kind == "as_completed" and e.get("form") == "async_for":
            feats.add("as_completed_async_for")
        cs = list(e.get("children") or [])
        if "child" in e:
            cs.append(e["child"])
        for c in cs:
            if isinstance(c, dict) and "expr" in c:
                expr(c["expr"], where, depth + 1)

    def script(s, where):
        if not isinstance(s, dict):
            bad("%s: a script must be an object" % where)
        steps(s.get("steps") or [], where, 0)
        oc = s.get("on_cancel")
        if oc is not None:
            if not isinstance(oc, dict) or oc.get("kind", "propagate") not in ON_CANCEL:
                bad("%s.on_cancel: unknown policy" % where)
            if oc.get("kind") == "cleanup":
                num(oc.get("d"), where + ".on_cancel")

    scripts = sc.get("scripts") or {}
    if not isinstance(scripts, dict):
        bad("scripts must be an object")
    for n in sorted(scripts):
        script(scripts[n], "scripts.%s" % n)
    script(sc.get("main"), "main")
    for r in sc.get("requires") or ():
        feats.add(r)
    return feats, total[0] + 5, event_names


# --------------------------------------------------------------------------------------
# The adapter.

class OptionError(Exception):
    pass


class Adapter(object):
    def __init__(self, argv):
        self.tasks = None
        self.task_factory = "default"
        self.loop_kind = "virtual"
        self.unit_ms = 50
        args = list(argv)
        while args:
            a = args.pop(0)
            if "=" in a and a.startswith("--"):
                a, v = a.split("=", 1)
            elif a in ("--tasks", "--task-factory", "--loop", "--unit-ms"):
                if not args:
                    raise OptionError("option %s needs a value" % a)
                v = args.pop(0)
            else:
                raise OptionError("unknown option %r" % a)
            if a == "--tasks":
                if v not in ("c", "python"):
                    raise OptionError("--tasks must be c or python")
                self.tasks = v
            elif a == "--task-factory":
                if v not in ("default", "eager"):
                    raise OptionError("--task-factory must be default or eager")
                self.task_factory = v
            elif a == "--loop":
                if v not in ("virtual", "uvloop"):
                    raise OptionError("--loop must be virtual or uvloop")
                self.loop_kind = v
            elif a == "--unit-ms":
                try:
                    self.unit_ms = int(v)
                except ValueError:
                    raise OptionError("--unit-ms must be an integer")
                if self.unit_ms <= 0:
                    raise OptionError("--unit-ms must be positive")
            else:
                raise OptionError("unknown option %r" % a)

        has_c = getattr(_tasks, "_CTask", None) is not None and asyncio.Task is not getattr(_tasks, "_PyTask", None)
        if self.tasks is None:
            # The default is C; an interpreter without _asyncio (PyPy) falls back to python.
            self.tasks = "c" if has_c else "python"
        if self.tasks == "c" and not has_c:
            raise OptionError("--tasks c: this interpreter has no _asyncio (C tasks)")
        if self.task_factory == "eager" and not hasattr(asyncio, "create_eager_task_factory"):
            raise OptionError("--task-factory eager needs Python 3.12+")
        self.uvloop = None
        if self.loop_kind == "uvloop":
            try:
                import uvloop
            except Exception as e:
                raise OptionError("--loop uvloop: uvloop is not importable (%s)" % e)
            self.uvloop = uvloop
        self.real = self.loop_kind == "uvloop"
        if not self.real:
            self.unit_ms = 0

        base = _tasks._CTask if self.tasks == "c" else _tasks._PyTask
        self.task_class = _make_task_class(base)
        if self.task_factory == "eager":
            self._inner_factory = asyncio.create_eager_task_factory(self.task_class)
        else:
            self._inner_factory = None
        if self.real:
            logical = _logical_clock_loop(self.uvloop.Loop, self.unit_ms / 1000.0)
            if self.tasks == "python":
                class _UvLoop(logical):
                    def create_future(self):
                        return _futures._PyFuture(loop=self)
            else:
                class _UvLoop(logical):
                    pass
            self.loop_class = _UvLoop
            loop_name = "uvloop %s" % getattr(self.uvloop, "__version__", "?")
        else:
            self.loop_class = _VirtualLoopPyFutures if self.tasks == "python" else _VirtualLoop
            loop_name = "virtual"
        self.runtime = {
            "implementation": sys.implementation.name,
            "version": platform.python_version(),
            "loop": loop_name,
            "tasks": self.tasks,
            "task_factory": self.task_factory,
            "clock": "real" if self.real else "virtual",
            "unit_ms": self.unit_ms,
        }
        self.features = {f for f, ok in FEATURES.items() if ok}
        self.current = None
        self.uncollected = 0
        asyncio.set_event_loop_policy(_Policy(self))
        _own_sigint_handler()

    def hello(self):
        return {"protocol": PROTOCOL, "runtime": self.runtime,
                "features": sorted(self.features)}

    def make_task(self, loop, coro, kwargs):
        if self._inner_factory is not None:
            return self._inner_factory(loop, coro, **kwargs)
        return self.task_class(coro, loop=loop, **kwargs)

    def new_loop(self):
        run = self.current
        if run is None:
            # Not one of our runs: an ordinary loop.
            return asyncio.SelectorEventLoop()
        if run.loop is not None:
            raise RuntimeError("a run creates one event loop")
        loop = self.loop_class() if self.real else self.loop_class(run)
        loop.set_task_factory(run.task_factory)
        loop.set_exception_handler(run.on_exception)
        run.loop = loop
        return loop

    def run(self, sc):
        if not isinstance(sc, dict):
            raise ScenarioError("the scenario must be an object")
        if sc.get("format") != SCENARIO_FORMAT:
            raise ScenarioError("unknown scenario format %r" % (sc.get("format"),))
        feats, horizon, event_names = scan(sc)
        trace = {"format": TRACE_FORMAT, "scenario": sc.get("name"),
                 "runtime": self.runtime}
        missing = sorted(f for f in feats if f not in self.features)
        if missing:
            trace.update(end="unsupported", missing=missing, events=[], futures={}, reports=[])
            return trace
        run = Run(self, sc, horizon, event_names)
        trace.update(run.execute())
        run = None
        if _CHEAP_GC:
            # What outlived the run's collections is not its garbage: the adapter's own state,
            # modules imported on the way, and what the runtime leaks (CPython 3.9 and 3.10's C
            # tasks keep a few tracebacks and frames of each run). Frozen, later collections
            # skip it; on 3.9 it had made every collection slower, to 0.5 ms after 2000 runs.
            gc.freeze()
        return trace


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # The protocol goes to a private copy of stdout; fd 1 and sys.stdout now point at
    # stderr, so that output from the runtime cannot corrupt the protocol.
    out = os.fdopen(os.dup(1), "wb")
    try:
        sys.stdout.flush()
    except Exception:
        pass
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    # Answers are not sorted: the reader parses them, and sorting a trace's keys cost a
    # quarter of the encoding. An answer is plain data the adapter built, never circular:
    # not tracking every container against cycles makes encoding about a quarter cheaper.
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False,
                              check_circular=False).encode

    def send(obj):
        try:
            data = encode(obj).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: send them escaped
            data = json.dumps(obj, separators=(",", ":")).encode("ascii")
        out.write(data + b"\n")
        out.flush()

    try:
        adapter = Adapter(argv)
    except OptionError as e:
        send({"protocol": PROTOCOL, "error": str(e)})
        return 2
    gc.disable()  # collected explicitly after each scenario
    gc.collect()
    if hasattr(gc, "freeze"):
        # Start-up objects live for the whole process: keep them out of the per-scenario
        # collections, which then only look at what the scenarios allocated.
        gc.freeze()
    send(adapter.hello())
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline()
        if not raw:
            break
        line = raw.decode("utf-8", "replace").strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            send({"id": None, "status": "error", "message": "malformed request: %s" % e})
            continue
        if not isinstance(req, dict):
            send({"id": None, "status": "error", "message": "malformed request: not an object"})
            continue
        rid = req.get("id")
        if req.get("quit"):
            break
        if "scenario" not in req:
            send({"id": rid, "status": "error", "message": "request has no scenario"})
            continue
        try:
            trace = adapter.run(req["scenario"])
        except ScenarioError as e:
            send({"id": rid, "status": "error", "message": str(e)})
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:
            if _DEBUG:
                import traceback
                traceback.print_exc()
            send({"id": rid, "status": "error",
                  "message": "internal error: %s: %s" % (type(e).__name__, _text(e))})
        else:
            send({"id": rid, "status": "ok", "trace": trace})
        finally:
            adapter.current = None
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
