"""A fake aioconform.adapter/1 adapter for tests: it behaves as MODE says.

    python3 fake_adapter.py MODE

good          answers every scenario with a small valid trace (main returns None at t=0)
good-v2       like good, but main returns at t=1: a runtime whose behaviour changed
upgraded      like good, but the runtime reports version 0.2: same behaviour, new interpreter
unsupported   answers with an unsupported trace (missing task_group)
error         answers status "error"
invalid-trace answers ok with a trace lacking "futures"
wrong-id      answers with the wrong id
garbage       answers with a line that is not JSON
crash         writes a traceback to stderr and dies of SIGSEGV when asked to run a scenario
hang          introduces itself, then never answers
hang-once F   hangs like hang if file F does not exist (creating it), else behaves like good
silent        never introduces itself
old-protocol  introduces itself as aioconform.adapter/0
refuse        introduces itself with an error (an option it cannot honour), exits 2
chatty        like good, after writing 1 MiB to stderr per scenario
exit-at-start exits with status 3 before introducing itself
exit-after N  answers N scenarios like good, then exits with status 0 on the next request
truncated     answers with the first half of a good answer's line, then exits
wrong-scenario answers with a valid trace of another scenario
flood         answers with an endless line of output (no newline, never ends)
unknown-event answers with a trace holding an event of an unknown kind
slow S        like good, but sleeps S seconds before each answer
"""
import json
import os
import signal
import sys
import time

RUNTIME = {"implementation": "fake", "version": "0.1", "loop": "virtual", "tasks": "c",
           "task_factory": "default", "clock": "virtual", "unit_ms": 0}


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def trace(name, t, runtime=RUNTIME):
    return {"format": "aioconform.trace/1", "scenario": name, "runtime": runtime,
            "end": "completed", "missing": [],
            "events": [{"t": 0, "task": "main", "ev": "start"},
                       {"t": t, "task": "main", "ev": "exit", "outcome": {"result": None}}],
            "futures": {"main": {"kind": "task", "state": {"result": None}}},
            "reports": []}


REAL_CLOCK = dict(RUNTIME, clock="real", unit_ms=50)
_answered = set()  # scenarios already answered by this process (real-stalls-once)


def answer(mode, request):
    rid = request["id"]
    name = request["scenario"]["name"]
    if mode == "real":
        say({"id": rid, "status": "ok", "trace": trace(name, 0, REAL_CLOCK)})
    elif mode == "real-stalls-once":
        # A real-clock runtime whose machine stalled during the first run of each scenario.
        t = 0 if name in _answered else 1
        _answered.add(name)
        say({"id": rid, "status": "ok", "trace": trace(name, t, REAL_CLOCK)})
    elif mode == "real-drifts":
        say({"id": rid, "status": "ok", "trace": trace(name, 1, REAL_CLOCK)})
    elif mode in ("good", "chatty", "slow"):
        if mode == "slow":
            time.sleep(float(sys.argv[2]))
        if mode == "chatty":
            sys.stderr.write(("x" * 1023 + "\n") * 1024)
            sys.stderr.flush()
        say({"id": rid, "status": "ok", "trace": trace(name, 0)})
    elif mode == "good-v2":
        say({"id": rid, "status": "ok", "trace": trace(name, 1)})
    elif mode == "upgraded":
        say({"id": rid, "status": "ok", "trace": trace(name, 0, dict(RUNTIME, version="0.2"))})
    elif mode == "unsupported":
        say({"id": rid, "status": "ok", "trace": {
            "format": "aioconform.trace/1", "scenario": name, "runtime": RUNTIME,
            "end": "unsupported", "missing": ["task_group"], "events": [], "futures": {},
            "reports": []}})
    elif mode == "error":
        say({"id": rid, "status": "error",
             "message": "handle 'x' used before it was bound (main, step 3)"})
    elif mode == "invalid-trace":
        broken = trace(name, 0)
        del broken["futures"]
        say({"id": rid, "status": "ok", "trace": broken})
    elif mode == "wrong-id":
        say({"id": rid + 100, "status": "ok", "trace": trace(name, 0)})
    elif mode == "garbage":
        sys.stdout.write("Hello! I am not JSON.\n")
        sys.stdout.flush()
    elif mode == "crash":
        sys.stderr.write("Traceback (most recent call last):\nFakeCrash: the runtime fell over\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "hang":
        while True:
            time.sleep(60)
    elif mode == "truncated":
        line = json.dumps({"id": rid, "status": "ok", "trace": trace(name, 0)})
        sys.stdout.write(line[:len(line) // 2] + "\n")
        sys.stdout.flush()
        sys.exit(0)
    elif mode == "wrong-scenario":
        say({"id": rid, "status": "ok", "trace": trace(name + "-elsewhere", 0)})
    elif mode == "flood":
        chunk = "y" * 65536
        while True:
            sys.stdout.write(chunk)
    elif mode == "unknown-event":
        odd = trace(name, 0)
        odd["events"].insert(1, {"t": 0, "task": "main", "ev": "teleport"})
        say({"id": rid, "status": "ok", "trace": odd})


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "good"
    if mode == "hang-once":
        try:
            with open(sys.argv[2], "x"):
                pass
            mode = "hang"
        except FileExistsError:
            mode = "good"
    if mode == "exit-at-start":
        sys.stderr.write("fake: cannot start: no runtime here\n")
        return 3
    if mode == "silent":
        while True:
            time.sleep(60)
    if mode == "old-protocol":
        say({"protocol": "aioconform.adapter/0", "runtime": RUNTIME, "features": []})
        return 0
    if mode == "refuse":
        say({"protocol": "aioconform.adapter/1", "error": "uvloop is not importable"})
        return 2
    say({"protocol": "aioconform.adapter/1", "runtime": RUNTIME, "features": ["timeout"]})
    answered = 0
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            return 0
        if mode == "exit-after":
            if answered == int(sys.argv[2]):
                return 0
            answer("good", request)
        else:
            answer(mode, request)
        answered += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
