"""Mutant (breaks timeout.expire): Task.uncancel() (3.11+) does not decrement the cancellation count, so an expired
asyncio.timeout lets CancelledError out instead of raising TimeoutError."""

import _task_patch


def apply(asyncio):
    def methods(base):
        if not hasattr(base, "uncancel"):
            return {}

        def uncancel(self):
            return base.cancelling(self)

        return {"uncancel": uncancel}

    _task_patch.patch_task_methods(asyncio, methods)
