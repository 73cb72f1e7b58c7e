#!/usr/bin/env python3
"""The runtime's own time for the scenarios `aioconform check` ran: each scenario executed
once on a fresh virtual-time loop by the Python adapter's runner, called in-process (no
subprocess protocol, no JSON on a pipe, no model). Prints "bare: N scenarios in S s".

Usage: check_throughput_bare.py ADAPTER DIR [adapter options, e.g. --tasks python]
"""
import gc
import glob
import json
import os
import sys
import time


def main():
    adapter_path, folder = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.dirname(os.path.abspath(adapter_path)))
    import aioconform_adapter as adapter_module

    scenarios = []
    for path in sorted(glob.glob(os.path.join(folder, "case-*.json"))):
        with open(path) as f:
            scenarios.append(json.load(f))
    adapter = adapter_module.Adapter(sys.argv[3:])
    # As the adapter's main loop does: the cyclic collector runs explicitly per scenario.
    gc.disable()
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()
    started = time.perf_counter()
    for sc in scenarios:
        adapter.run(sc)
    seconds = time.perf_counter() - started
    print("bare: %d scenarios in %.3f s" % (len(scenarios), seconds))


if __name__ == "__main__":
    main()
