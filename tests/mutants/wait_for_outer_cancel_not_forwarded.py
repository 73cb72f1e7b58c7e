"""Mutant (breaks wait_for.outer-cancel): cancelling the task that awaits wait_for does not cancel the inner awaitable (it keeps
running, as if shielded)."""

def apply(asyncio):
    original = asyncio.wait_for
    ensure_future = asyncio.ensure_future
    shield = asyncio.shield

    async def wait_for(fut, timeout, **kwargs):
        fut = ensure_future(fut)
        try:
            return await original(shield(fut), timeout, **kwargs)
        except asyncio.TimeoutError:
            fut.cancel()
            raise

    asyncio.wait_for = wait_for
