"""Mutant (breaks shield.outer-cancel): shield returns its child itself, so cancelling the awaiting task cancels the child."""

def apply(asyncio):
    ensure_future = asyncio.ensure_future
    asyncio.shield = lambda arg: ensure_future(arg)
