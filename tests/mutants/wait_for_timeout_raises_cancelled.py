"""Mutant (breaks wait_for.timeout.error-class): wait_for lets the inner cancellation out on timeout: CancelledError instead of
TimeoutError."""

def apply(asyncio):
    original = asyncio.wait_for

    async def wait_for(fut, timeout, **kwargs):
        try:
            return await original(fut, timeout, **kwargs)
        except asyncio.TimeoutError:
            raise asyncio.CancelledError

    asyncio.wait_for = wait_for
