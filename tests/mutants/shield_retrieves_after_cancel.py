"""Mutant (breaks shield.never-retrieved): a cancelled shield stays attached to its child and marks the child's later exception as
retrieved, so the never-retrieved report is missing."""

import _shield_copy


def apply(asyncio):
    _shield_copy.install(asyncio, detach=False)
