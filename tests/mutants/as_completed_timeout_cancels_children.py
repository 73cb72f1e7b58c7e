"""Mutant (breaks as_completed.timeout.no-cancel): as_completed cancels the children still pending when its timeout expires (they must keep
running)."""

def apply(asyncio):
    original = asyncio.as_completed
    ensure_future = asyncio.ensure_future

    def as_completed(fs, *, timeout=None, **kwargs):
        if asyncio.isfuture(fs) or asyncio.iscoroutine(fs):
            return original(fs, timeout=timeout, **kwargs)
        todo = [ensure_future(f) for f in fs]

        async def item(aw):
            try:
                return await aw
            except asyncio.TimeoutError:
                for f in todo:
                    if not f.done():
                        f.cancel()
                raise

        def generate():
            for aw in original(todo, timeout=timeout, **kwargs):
                yield item(aw)

        return generate()

    asyncio.as_completed = as_completed
