"""Mutant (breaks wait.return-when.first-exception): wait(FIRST_EXCEPTION) ignores a failed child and waits for every child."""

import _wait_copy


def apply(asyncio):
    def returns_early(f, return_when):
        return return_when == asyncio.FIRST_COMPLETED

    _wait_copy.install(asyncio, returns_early=returns_early)
