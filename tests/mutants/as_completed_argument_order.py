"""Mutant (breaks as_completed.order): as_completed yields its children's outcomes in argument order instead of completion order."""

import time


def apply(asyncio):
    ensure_future = asyncio.ensure_future
    wait = asyncio.wait

    def as_completed(fs, *, timeout=None, **kwargs):
        if asyncio.isfuture(fs) or asyncio.iscoroutine(fs):
            raise TypeError("expect an iterable of futures, not %s" % type(fs).__name__)
        todo = []
        for f in fs:
            f = ensure_future(f)
            if f not in todo:
                todo.append(f)
        state = {"deadline": None}

        async def one(f):
            loop = f.get_loop()
            if timeout is not None and state["deadline"] is None:
                state["deadline"] = loop.time() + timeout
            remaining = None
            if state["deadline"] is not None:
                remaining = max(0, state["deadline"] - loop.time())
            await wait([f], timeout=remaining)
            if not f.done():
                raise asyncio.TimeoutError
            return f.result()

        for f in todo:
            yield one(f)

    asyncio.as_completed = as_completed
