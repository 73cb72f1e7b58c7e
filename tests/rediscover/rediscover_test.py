#!/usr/bin/env python3
"""Real bugs, rediscovered (issue 6): `aioconform check` finds CPython's fixed bugs live.

For each bug of tracker_bugs.json this runs `aioconform check` on an installed interpreter
that still has it, judged by the profile of the release that fixed it, with a fixed seed
(or the bounded-exhaustive enumeration, `exhaustive`) and no --clauses (nobody tells the
check where to look), and asserts that some shrunk
finding names the bug's clause, that its explanation matches the bug's signature (so a
finding of mere version drift on the same clause does not count) and that its
counterexample is small; with `final_state`, also that some future ends in that state on
the runtime and in another in the model's trace (a lost cancellation, say). A bug whose
interpreter is not installed fails the test with the
reason: it is never skipped.

Usage: rediscover_test.py --aioconform BUILD/aioconform [--bugs FILE] [--work DIR] [--only ID]
                          [--jobs J] [--unless-env VAR]
Standard library only; CPython 3.8-3.13 or PyPy 3.9.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def version_tuple(text):
    """'3.11.2' -> (3, 11, 2); a pre-release suffix ('3.13.0rc1') is ignored."""
    parts = []
    for piece in text.split(".")[:3]:
        digits = re.match(r"\d+", piece)
        parts.append(int(digits.group(0)) if digits else 0)
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def installed_runtimes(aioconform):
    """Every runtime discovery finds, the shadowed ones too: a patch release that a
    newer install of the same minor shadows (Debian's 3.11.2 behind pyenv's 3.11.7) is
    exactly where a patch-level bug lives."""
    out = subprocess.run([aioconform, "runtimes", "--all", "--json"], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    listing = json.loads(out)
    return listing.get("runtimes", []) + listing.get("shadowed", [])


def pick_interpreter(runtimes, want):
    """The first runtime of want's implementation, version range and adapter options."""
    low = version_tuple(want["min_version"])
    high = version_tuple(want["below_version"])
    for runtime in runtimes:
        if runtime.get("implementation") != want["implementation"]:
            continue
        if list(runtime.get("options", [])) != list(want["options"]):
            continue
        if low <= version_tuple(runtime.get("version", "0")) < high:
            return runtime
    return None


def count_steps(node):
    """Steps of a scenario (objects with an "op"), nested blocks and scripts included."""
    if isinstance(node, dict):
        return (1 if "op" in node else 0) + sum(count_steps(v) for v in node.values())
    if isinstance(node, list):
        return sum(count_steps(v) for v in node)
    return 0


def run_check(aioconform, runtime, bug, work, empty_deviations, jobs):
    """One `aioconform check` of the bug's interpreter under the fixing version's profile."""
    name = "%s-%s" % (runtime["name"], runtime["version"])
    folder = os.path.join(work, bug["id"], name)
    findings = os.path.join(folder, "findings")
    report = os.path.join(folder, "report.json")
    shutil.rmtree(folder, ignore_errors=True)  # no finding of an earlier run may count
    os.makedirs(folder)
    command = [aioconform, "check",
               "--runtime-cmd", " ".join(shlex.quote(part) for part in runtime["command"]),
               "--runtime-name", name,
               "--profile", bug["profile"], "--jobs", str(jobs),
               # No known deviation may hide a bug (gh-102780 is one for uvloop-3.11).
               "--deviations", empty_deviations,
               "--findings", findings, "--report-json", report]
    if "exhaustive" in bug:
        command += ["--exhaustive", bug["exhaustive"]]
    else:
        command += ["--seed", str(bug["seed"]), "--cases", str(bug["cases"])]
    for key, value in sorted(runtime.get("env", {}).items()):
        command += ["--runtime-env", "%s=%s" % (key, value)]
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    seconds = time.monotonic() - started
    # 1 is the expected exit (findings); 0 means nothing was found, 2 a runtime failure.
    if done.returncode not in (0, 1) or not os.path.exists(report):
        raise RuntimeError("aioconform check failed (exit %d):\n%s\n%s" % (
            done.returncode, " ".join(shlex.quote(c) for c in command), done.stdout[-3000:]))
    with open(report, encoding="utf-8") as f:
        return json.load(f), command, seconds


def load(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return json.load(f)


def final_state_differs(folder, want):
    """Some future ends in state want["trace"] on the runtime and want["model"] in the
    model's trace of the same scenario (e.g. a lost cancellation: result vs cancelled)."""
    trace = load(folder, "trace.json").get("futures", {})
    model = load(folder, "model-trace.json").get("futures", {})
    return any(want["trace"] in entry.get("state", {}) and
               want["model"] in model.get(name, {}).get("state", {})
               for name, entry in trace.items())


def judge(bug, report):
    """The matching findings, smallest counterexample first, with their step counts."""
    signature = re.compile(bug["signature"])
    matches = []
    for finding in report.get("findings", []):
        if finding.get("clause") != bug["clause"]:
            continue
        if not signature.search(finding.get("explanation", "")):
            continue
        if "final_state" in bug and not final_state_differs(finding["folder"],
                                                             bug["final_state"]):
            continue
        steps = count_steps(load(finding["folder"], "scenario.json"))
        matches.append((steps, finding["case"], finding))
    matches.sort(key=lambda m: (m[0], m[1]))
    return matches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aioconform", required=True)
    parser.add_argument("--bugs", default=os.path.join(HERE, "tracker_bugs.json"))
    parser.add_argument("--work", help="keep the findings here (default: a temporary folder)")
    parser.add_argument("--only", action="append", help="only this bug id (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="check's --jobs")
    parser.add_argument("--unless-env", metavar="VAR",
                        help="exit 77 (skipped, with this message) unless VAR is set to 1")
    args = parser.parse_args()
    if args.unless_env and os.environ.get(args.unless_env) != "1":
        print("skipped: these live checks take about a minute; run them with %s=1 "
              "ctest -L rediscover" % args.unless_env)
        return 77

    with open(args.bugs, encoding="utf-8") as f:
        bugs = json.load(f)["bugs"]
    if args.only:
        bugs = [b for b in bugs if b["id"] in args.only]
    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="aioconform-rediscover-"))
    os.makedirs(work, exist_ok=True)
    empty_deviations = os.path.join(work, "no-deviations.json")
    with open(empty_deviations, "w", encoding="utf-8") as f:
        json.dump({"format": "aioconform.deviations/1", "deviations": []}, f)

    runtimes = installed_runtimes(args.aioconform)
    failures = []
    print("%-10s %-22s %-7s %-30s %6s %6s %6s %7s  %s" % (
        "bug", "interpreter", "profile", "clause", "seed", "first", "found", "steps", "seconds"))
    for bug in bugs:
        want = bug["interpreter"]
        runtime = pick_interpreter(runtimes, want)
        if runtime is None:
            failures.append(
                "%s: no installed interpreter has it: it needs %s %s <= version < %s with "
                "adapter options %s, and `aioconform runtimes --all` lists none (install one, "
                "e.g. with pyenv, or move the bug to the reference runtime's mutants)" % (
                    bug["id"], want["implementation"], want["min_version"],
                    want["below_version"], want["options"] or "none"))
            continue
        try:
            report, command, seconds = run_check(args.aioconform, runtime, bug, work,
                                                 empty_deviations, args.jobs)
        except RuntimeError as error:
            failures.append("%s: %s" % (bug["id"], error))
            continue
        matches = judge(bug, report)
        label = "%s %s" % (runtime["name"], runtime["version"])
        if not matches:
            print("%-10s %-22s %-7s %-30s %6s %6s %6d %7s  %.1f" % (
                bug["id"], label, bug["profile"], bug["clause"], bug.get("seed", "exh."), "-",
                0, "-", seconds))
            clauses = sorted({f["clause"] for f in report.get("findings", [])})
            failures.append(
                "%s: not found on %s in %d cases (profile %s): no finding names %s with the "
                "bug's signature; the findings named %s\n  command: %s" % (
                    bug["id"], label, report.get("cases", 0), bug["profile"], bug["clause"],
                    clauses or "nothing", " ".join(shlex.quote(c) for c in command)))
            continue
        first = min(m[1] for m in matches) + 1
        steps, case, finding = matches[0]
        print("%-10s %-22s %-7s %-30s %6s %6d %6d %7d  %.1f" % (
            bug["id"], label, bug["profile"], bug["clause"], bug.get("seed", "exh."), first,
            len(matches), steps, seconds))
        print("           smallest: case %d, %s" % (case, finding["folder"]))
        if steps > bug["max_steps"]:
            failures.append("%s: found, but its smallest counterexample (case %d, %s) has %d "
                            "steps, more than %d: the shrinker got worse" % (
                                bug["id"], case, finding["folder"], steps, bug["max_steps"]))

    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    print("\nall %d bugs rediscovered" % len(bugs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
