"""Helper (not a mutant): asyncio.tasks._wait as in CPython 3.8-3.13, with the decision
points a mutant may replace."""


def install(asyncio, returns_early=None, timeout_of=None, collect=None):
    """returns_early(f, return_when) -> bool: whether f's completion ends the wait (before
    the all-done check); timeout_of(timeout) -> the delay actually armed; collect(fs,
    completed) -> (done, pending), `completed` listing the futures whose callbacks ran
    before the waiter woke."""
    tasks = asyncio.tasks
    FIRST_COMPLETED, FIRST_EXCEPTION = asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION

    def default_returns_early(f, return_when):
        return return_when == FIRST_COMPLETED or (
            return_when == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None)

    early = returns_early or default_returns_early

    def release(waiter, *args):
        if not waiter.done():
            waiter.set_result(None)

    async def _wait(fs, timeout, return_when, loop):
        assert fs, "Set of Futures is empty."
        waiter = loop.create_future()
        timeout_handle = None
        if timeout is not None:
            armed = timeout_of(timeout) if timeout_of else timeout
            timeout_handle = loop.call_later(armed, release, waiter)
        counter = len(fs)
        completed = []

        def _on_completion(f):
            nonlocal counter
            counter -= 1
            if not waiter.done():
                completed.append(f)
            if counter <= 0 or early(f, return_when):
                if timeout_handle is not None:
                    timeout_handle.cancel()
                if not waiter.done():
                    waiter.set_result(None)

        for f in fs:
            f.add_done_callback(_on_completion)
        try:
            await waiter
        finally:
            if timeout_handle is not None:
                timeout_handle.cancel()
            for f in fs:
                f.remove_done_callback(_on_completion)
        if collect is not None:
            return collect(fs, completed)
        done, pending = set(), set()
        for f in fs:
            if f.done():
                done.add(f)
            else:
                pending.add(f)
        return done, pending

    tasks._wait = _wait
