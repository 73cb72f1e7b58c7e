"""Mutant (breaks task.cancel.return-value.done): Task.cancel() returns True on a task that is already done."""

import _task_patch


def apply(asyncio):
    def methods(base):
        def cancel(self, *args, **kwargs):
            done = self.done()
            result = base.cancel(self, *args, **kwargs)
            return True if done else result

        return {"cancel": cancel}

    _task_patch.patch_task_methods(asyncio, methods)
