"""Mutant: asyncio.wait cancels the children still pending when its timeout expires
(they must keep running: wait.timeout.no-cancel)."""


def apply(asyncio):
    original = asyncio.wait

    async def wait(fs, *args, **kwargs):
        done, pending = await original(fs, *args, **kwargs)
        if kwargs.get("timeout") is not None:
            for f in pending:
                f.cancel()
        return done, pending

    asyncio.wait = wait
