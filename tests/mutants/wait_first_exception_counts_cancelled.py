"""Mutant (breaks wait.return-when.first-exception.cancelled-not-exception): wait(FIRST_EXCEPTION) returns when a child is cancelled, as if a cancellation were an
exception (f.exception() raising CancelledError taken for "has an exception")."""

import _wait_copy


def apply(asyncio):
    def returns_early(f, return_when):
        if return_when == asyncio.FIRST_COMPLETED:
            return True
        return return_when == asyncio.FIRST_EXCEPTION and (
            f.cancelled() or f.exception() is not None)

    _wait_copy.install(asyncio, returns_early=returns_early)
