"""Mutant (breaks timeout.expire): asyncio.timeout(d) (3.11+) expires one unit late."""

def apply(asyncio):
    original = getattr(asyncio, "timeout", None)
    if original is None:
        return

    def timeout(delay):
        return original(None if delay is None else delay + 1)

    asyncio.timeout = timeout
