"""Mutant (breaks task.exception.cancel-silences): Task.cancel() on a done task returns False without clearing a failed task's
never-retrieved flag, so a spurious report is made."""

import _task_patch


def apply(asyncio):
    def methods(base):
        def cancel(self, *args, **kwargs):
            if self.done():
                return False
            return base.cancel(self, *args, **kwargs)

        return {"cancel": cancel}

    _task_patch.patch_task_methods(asyncio, methods)
