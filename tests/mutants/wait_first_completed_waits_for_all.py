"""Mutant (breaks wait.return-when.first-completed): wait(FIRST_COMPLETED) waits for every child, like ALL_COMPLETED."""

import _wait_copy


def apply(asyncio):
    def returns_early(f, return_when):
        return return_when == asyncio.FIRST_EXCEPTION and (
            not f.cancelled() and f.exception() is not None)

    _wait_copy.install(asyncio, returns_early=returns_early)
