"""Mutant (breaks wait_for.timeout.waits-for-inner): on timeout, wait_for cancels the inner task and raises TimeoutError at once, without
waiting for the inner task to finish its cancellation."""

def apply(asyncio):
    original = asyncio.wait_for
    ensure_future = asyncio.ensure_future
    wait = asyncio.wait

    async def wait_for(fut, timeout, **kwargs):
        if timeout is None:
            return await original(fut, timeout, **kwargs)
        fut = ensure_future(fut)
        try:
            await wait([fut], timeout=timeout)
        except asyncio.CancelledError:
            fut.cancel()
            raise
        if fut.done():
            return fut.result()
        fut.cancel()
        raise asyncio.TimeoutError

    asyncio.wait_for = wait_for
