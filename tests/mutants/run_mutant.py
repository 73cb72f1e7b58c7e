"""Runs an adapter with one semantic mutant of asyncio applied: a plausible bug that a
conformance run must catch.

    python3 tests/mutants/run_mutant.py MUTANT ADAPTER.py [ADAPTER OPTIONS...]

MUTANT names a module in this folder with an `apply(asyncio)` function that monkeypatches
asyncio in this process before the adapter starts. Standard library only (3.8+, PyPy).
"""
import asyncio
import importlib.util
import os
import runpy
import sys


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    name, adapter = sys.argv[1], sys.argv[2]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    if not os.path.isfile(path):
        sys.stderr.write("run_mutant: no mutant %r (%s)\n" % (name, path))
        return 2
    spec = importlib.util.spec_from_file_location("aioconform_mutant_" + name, path)
    mutant = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutant)
    mutant.apply(asyncio)
    sys.argv = [adapter] + sys.argv[3:]
    runpy.run_path(adapter, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
