"""Mutant (breaks task.cancel.message): Task.cancel(msg) drops the message: the CancelledError is raised without it."""

import _task_patch


def apply(asyncio):
    def methods(base):
        def cancel(self, *args, **kwargs):
            return base.cancel(self)

        return {"cancel": cancel}

    _task_patch.patch_task_methods(asyncio, methods)
