"""Mutant (breaks wait.done.membership): wait's done set holds only the children whose completion callbacks ran before the waiter
woke; a child that finished in between is returned as pending."""

import _wait_copy


def apply(asyncio):
    def collect(fs, completed):
        done = set(completed)
        return done, set(f for f in fs if f not in done)

    _wait_copy.install(asyncio, collect=collect)
