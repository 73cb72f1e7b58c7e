"""Mutant (breaks taskgroup.exception-group): a TaskGroup with one failed child raises that exception itself instead of an
ExceptionGroup holding it (3.11+)."""

def apply(asyncio):
    group = getattr(asyncio, "TaskGroup", None)
    if group is None:
        return
    original = group.__aexit__

    async def __aexit__(self, *args):
        try:
            return await original(self, *args)
        except BaseExceptionGroup as eg:  # noqa: F821 (3.11+ only)
            if len(eg.exceptions) == 1:
                raise eg.exceptions[0]
            raise

    group.__aexit__ = __aexit__
