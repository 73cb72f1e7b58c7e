"""Mutant (breaks wait.timeout.returns): wait's timeout is armed one unit late (an off-by-one in the deadline)."""

import _wait_copy


def apply(asyncio):
    _wait_copy.install(asyncio, timeout_of=lambda t: t + 1)
