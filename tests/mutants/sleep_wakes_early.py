"""Mutant: asyncio.sleep(d) for d > 1 wakes one unit early (a timer that fires before its
deadline breaks loop.timer.never-early)."""


def apply(asyncio):
    original = asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        if delay > 1:
            delay -= 1
        return await original(delay, *args, **kwargs)

    asyncio.sleep = sleep
