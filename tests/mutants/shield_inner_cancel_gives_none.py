"""Mutant (breaks shield.inner-cancel): when the shielded child is cancelled, the shield's future gets the result None instead of
being cancelled."""

import _shield_copy


def apply(asyncio):
    _shield_copy.install(asyncio, on_inner_cancelled=lambda outer: outer.set_result(None))
