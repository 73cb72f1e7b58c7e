"""The benchmark workloads on a Python asyncio runtime, one per process.

    python workloads.py WORKLOAD N [--uvloop]

prints one JSON object: {"workload", "n", "seconds", "bytes_per_task", "runtime"}. The same
programs as bench/impl_workloads.cpp; bench/run starts one process per measurement so that
peak memory belongs to one workload. Standard library only; Python 3.8 and later.
"""

import asyncio
import json
import platform
import random
import sys
import time


def status_field(name):
    """One "Name:  1234 kB" field of /proc/self/status, in bytes (0 where absent)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak():
    """Lowers the kernel's RSS high-water mark to the current RSS (Linux clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


async def trivial(i):
    return i


async def link(previous):
    # Completes one loop iteration after `previous`: a chain finishes one task at a time.
    return await previous + 1


async def sleeper(delay):
    await asyncio.sleep(delay)
    return delay


async def gather(n):
    return sum(await asyncio.gather(*[trivial(i) for i in range(n)]))


async def wait_all(n):
    tasks = [asyncio.ensure_future(trivial(i)) for i in range(n)]
    done, pending = await asyncio.wait(tasks)
    return sum(t.result() for t in done) + len(pending)


async def as_completed(n):
    tasks = [asyncio.ensure_future(trivial(i)) for i in range(n)]
    s = 0
    for f in asyncio.as_completed(tasks):
        s += await f
    return s


async def wait_first_loop(n):
    pending = [asyncio.ensure_future(trivial(0))]
    for _ in range(1, n):
        pending.append(asyncio.ensure_future(link(pending[-1])))
    rounds = 0
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        rounds += 1
    return rounds


# The C++ side sleeps 0..999 virtual units; here a unit is a microsecond of the real clock
# (uvloop cannot run on a virtual clock), so at most a millisecond of the time is idle.
async def timers(n):
    rng = random.Random(42)
    tasks = [asyncio.ensure_future(sleeper(rng.randrange(1000) * 1e-6)) for _ in range(n)]
    done, pending = await asyncio.wait(tasks)
    return len(done) + len(pending)


WORKLOADS = {f.__name__: f for f in (gather, wait_all, as_completed, wait_first_loop, timers)}


def main(argv):
    if len(argv) < 3 or argv[1] not in WORKLOADS:
        sys.stderr.write("usage: workloads.py {%s} N [--uvloop]\n" % ",".join(WORKLOADS))
        return 2
    workload, n = WORKLOADS[argv[1]], int(argv[2])
    runtime = "cpython-%d.%d" % sys.version_info[:2]
    if platform.python_implementation() == "PyPy":
        runtime = "pypy-%d.%d" % sys.version_info[:2]
    if "--uvloop" in argv[3:]:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        runtime = "uvloop-%d.%d" % sys.version_info[:2]
    loop = asyncio.new_event_loop()
    reset_peak()
    baseline = status_field("VmRSS")
    start = time.perf_counter()
    loop.run_until_complete(workload(n))
    seconds = time.perf_counter() - start
    peak = status_field("VmHWM")
    loop.close()
    json.dump(
        {
            "workload": argv[1],
            "n": n,
            "runtime": runtime,
            "seconds": seconds,
            "bytes_per_task": max(peak - baseline, 0) / n,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
