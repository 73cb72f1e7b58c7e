#!/usr/bin/env python3
"""The matrix page in a real browser: `aioconform matrix` writes the page, headless Chromium
loads it; the rendered DOM must hold the matrix table and a timeline, the page's script must
have run (it fills in the deviation count), and the console must stay silent (any console
message, an uncaught error included, fails). A fixture with a deliberate script error must
fail the same check, so the check is known to see errors. A screenshot is kept beside the
page. Exit 77 (skipped) when chromium is not installed.

AIOCONFORM_MATRIX_CASES=N also samples N live cases per runtime (default 0: goldens only)."""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)?\]\s*(.*)")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser, page, extra):
    """Runs headless Chromium on `page`; returns (stdout, console messages)."""
    with tempfile.TemporaryDirectory() as profile:
        cmd = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
               "--disable-dev-shm-usage", "--user-data-dir=" + profile,
               "--enable-logging=stderr", "--v=0", *extra, page.resolve().as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    console = [m.group(1) for m in map(CONSOLE.search, done.stderr.splitlines()) if m]
    if done.returncode != 0:
        raise SystemExit("chromium failed (%d):\n  %s\n%s" % (done.returncode, " ".join(cmd),
                                                            done.stderr[-2000:]))
    return done.stdout, console


def problems_with(browser, page):
    """What is wrong with the page as Chromium renders it (empty: nothing)."""
    dom, console = run_browser(browser, page, ["--dump-dom"])
    found = ["console: " + line for line in console]
    if '<table id="matrix">' not in dom:
        found.append("the rendered page has no matrix table")
    if not re.search(r'<svg[^>]*class="timeline"', dom):
        found.append("the rendered page has no timeline")
    if not re.search(r'<span id="deviation-count">\d+</span>', dom):
        found.append("the page's script did not run (the deviation count is not filled in)")
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aioconform", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--bad-fixture", required=True)
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("skipped: chromium is not installed (apt-get install chromium; scripts/setup does)")
        return 77
    out = pathlib.Path(args.out)
    cases = os.environ.get("AIOCONFORM_MATRIX_CASES", "0")
    cmd = [args.aioconform, "matrix", "--cases", cases, "--out", str(out)]
    made = subprocess.run(cmd, capture_output=True, text=True, timeout=3000)
    if made.returncode not in (0, 1):  # 1: some unexplained deviation, still a page
        print("matrix failed (%d): %s\n%s%s" % (made.returncode, " ".join(cmd), made.stdout,
                                                made.stderr))
        return 1
    page = out / "matrix.html"
    reproduce = "reproduce: %s && %s" % (" ".join(cmd), " ".join(sys.argv))

    failures = problems_with(browser, page)
    if failures:
        print("%s:\n  %s\n%s" % (page, "\n  ".join(failures), reproduce))
        return 1
    bad = problems_with(browser, pathlib.Path(args.bad_fixture))
    if not any(f.startswith("console: ") for f in bad):
        print("the check missed the deliberate script error in %s (found: %s)\n%s" %
              (args.bad_fixture, bad, reproduce))
        return 1
    shot = out / "matrix.png"
    run_browser(browser, page, ["--screenshot=" + str(shot.resolve()), "--window-size=1400,1000",
                                "--hide-scrollbars"])
    if not shot.is_file() or shot.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        print("no screenshot at %s\n%s" % (shot, reproduce))
        return 1
    print("page: %s\nscreenshot: %s\nthe fixture's error was seen: %s" %
          (page.resolve(), shot.resolve(), bad[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
