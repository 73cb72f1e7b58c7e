"""Mutant (breaks loop.sleep-zero.yield): asyncio.sleep(0) returns at once instead of yielding to the loop for one iteration."""

def apply(asyncio):
    original = asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        if delay == 0:
            return args[0] if args else kwargs.get("result")
        return await original(delay, *args, **kwargs)

    asyncio.sleep = sleep
